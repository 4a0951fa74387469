package io.fipkeeper.leader.runtime;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Where the {@link LeaderLoop} runs things: the loop itself (events run one at a time whatever the executor), Hetzner
 * calls (separate, so a slow takeover never delays keep-alive deadlines), etcd calls (ordered: resign before
 * revoke), and the periodic tick. Tests pass {@link #direct()} and post ticks by hand.
 */
public record LoopThreads(Executor loop, Executor takeover, Executor election, TickScheduler ticks) {

  /** Starts the periodic tick; closing the handle stops it. */
  @FunctionalInterface
  public interface TickScheduler {
    AutoCloseable every(Duration period, Runnable tick);
  }

  /** Daemon threads named after the node: one loop thread, one Hetzner worker, one etcd worker, one ticker. */
  public static LoopThreads daemon(String node) {
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(named("fipkeeper-tick-" + node));
    TickScheduler ticks = (period, tick) -> {
      var future = ticker.scheduleAtFixedRate(tick, period.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS);
      return () -> {
        future.cancel(false);
        ticker.shutdown();
      };
    };
    return new LoopThreads(
        Executors.newSingleThreadExecutor(named("fipkeeper-loop-" + node)),
        Executors.newSingleThreadExecutor(named("fipkeeper-hcloud-" + node)),
        Executors.newSingleThreadExecutor(named("fipkeeper-etcd-" + node)),
        ticks);
  }

  /** Everything on the calling thread and no automatic tick: for deterministic tests. */
  public static LoopThreads direct() {
    return new LoopThreads(Runnable::run, Runnable::run, Runnable::run, (period, tick) -> () -> { });
  }

  void shutdown() {
    for (Executor e : new Executor[] {takeover, election, loop}) {
      if (e instanceof ExecutorService s) {
        s.shutdown();
      }
    }
  }

  private static java.util.concurrent.ThreadFactory named(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
