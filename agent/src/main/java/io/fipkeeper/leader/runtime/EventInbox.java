package io.fipkeeper.leader.runtime;

import io.fipkeeper.leader.Event;
import io.fipkeeper.leader.port.ElectionEvent;
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
    post(toEvent(event, ticker.read()));
  }

  /**
   * Maps a backend fact to a machine event. {@code receivedNanos} is when the loop received the fact; it stands in
   * for the keep-alive send time when the backend does not report one (the safe-window margin absorbs the RTT).
   */
  static Event toEvent(ElectionEvent e, long receivedNanos) {
    if (e instanceof ElectionEvent.ElectionWon w) {
      return new Event.ElectionWon(w.term());
    } else if (e instanceof ElectionEvent.LeaderSeen s) {
      return new Event.LeaderSeen(s.node(), s.serverId(), s.revision(), s.asOf());
    } else if (e instanceof ElectionEvent.KeepAliveOk k) {
      long sent = k.sentNanos() == ElectionEvent.KeepAliveOk.UNKNOWN_SENT ? receivedNanos : k.sentNanos();
      return new Event.KeepAliveOk(k.leaseId(), k.ttlSeconds(), sent);
    } else if (e instanceof ElectionEvent.KeepAliveError k) {
      return new Event.KeepAliveError(k.leaseId(), k.reason());
    } else if (e instanceof ElectionEvent.LeaseGone g) {
      return new Event.LeaseGone(g.leaseId());
    } else if (e instanceof ElectionEvent.CampaignFailed f) {
      return new Event.CampaignFailed(f.attempt(), f.reason());
    } else if (e instanceof ElectionEvent.CampaignQueued q) {
      return new Event.CampaignQueued(q.attempt());
    } else if (e instanceof ElectionEvent.CampaignSuperseded s) {
      return new Event.CampaignSuperseded(s.attempt(), s.reason());
    } else if (e instanceof ElectionEvent.HolderChanged h) {
      return new Event.HolderChanged(h.holder());
    } else if (e instanceof ElectionEvent.Superseded s) {
      return new Event.Superseded(s.leaseId(), s.by());
    }
    throw new IllegalArgumentException("unknown election event " + e);
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
