package io.fipkeeper.etcd;

import io.fipkeeper.leader.port.ElectionEvent;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands {@link ElectionEvent}s to the listener in the order they were raised, on one daemon thread, so jetcd's own
 * threads never run (or wait for) listener code and a {@code KeepAliveOk} can never overtake the {@code LeaseGone}
 * raised before it. A listener that throws is logged and keeps receiving events. Events raised after
 * {@link #close()} are dropped.
 */
final class EventRelay implements Consumer<ElectionEvent>, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EventRelay.class);

  private final Consumer<ElectionEvent> listener;
  private final ExecutorService thread;

  EventRelay(Consumer<ElectionEvent> listener, String threadName) {
    this.listener = listener;
    this.thread = Executors.newSingleThreadExecutor(runnable -> {
      Thread t = new Thread(runnable, threadName);
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public void accept(ElectionEvent event) {
    try {
      thread.execute(() -> deliver(event));
    } catch (RejectedExecutionException closed) {
      log.debug("event dropped after close event={}", event);
    }
  }

  /** Runs {@code task} on the event thread, in order with the events (for work that must not run on jetcd's threads). */
  void execute(Runnable task) {
    try {
      thread.execute(() -> {
        try {
          task.run();
        } catch (RuntimeException e) {
          log.error("election task failed error={}", e.toString(), e);
        }
      });
    } catch (RejectedExecutionException closed) {
      log.debug("task dropped after close");
    }
  }

  private void deliver(ElectionEvent event) {
    try {
      listener.accept(event);
    } catch (RuntimeException e) {
      log.error("election listener failed event={} error={}", event, e.toString(), e);
    }
  }

  @Override
  public void close() {
    thread.shutdown();
  }
}
