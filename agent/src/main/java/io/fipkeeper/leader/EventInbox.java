package io.fipkeeper.leader;

import io.fipkeeper.time.Ticker;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * The leader loop's thread-safe inbox. Create it first and hand it to the {@link ElectionBackend} as its listener
 * and to the apiserver probe; the {@link LeaderLoop} built on it drains it. Events posted before the loop starts
 * wait in order. Backend facts are stamped with their arrival time when they arrive, not when the loop gets to them.
 */
public final class EventInbox implements Consumer<ElectionEvent> {
  private final Queue<Event> queue = new ConcurrentLinkedQueue<>();
  private final Ticker ticker;
  private volatile Runnable wakeup = () -> { };

  public EventInbox(Ticker ticker) {
    this.ticker = Objects.requireNonNull(ticker, "ticker");
  }

  /** Queues an event; callable from any thread. */
  public void post(Event event) {
    queue.add(Objects.requireNonNull(event, "event"));
    wakeup.run();
  }

  /** Queues a backend fact; callable from any thread. */
  @Override
  public void accept(ElectionEvent event) {
    post(Event.from(event, ticker.read()));
  }

  Event poll() {
    return queue.poll();
  }

  boolean isEmpty() {
    return queue.isEmpty();
  }

  void onPost(Runnable wakeup) {
    this.wakeup = wakeup;
  }
}
