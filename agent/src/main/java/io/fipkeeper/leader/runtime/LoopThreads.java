package io.fipkeeper.leader.runtime;

import io.fipkeeper.time.Ticker;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * Where the {@link LeaderLoop} runs things: the loop itself (it only decides; events run one at a time whatever the
 * executor) and one serial owner per external system, so that orderings such as "resign before revoke" or "bind
 * before the next kernel read" are the order of submission, not a race: Hetzner calls, etcd calls, {@code ip} calls.
 * A slow takeover never delays keep-alive deadlines, and a hung {@code ip} never blocks the loop. Tests pass
 * {@link #direct()} and post ticks by hand.
 */
public record LoopThreads(Executor loop, Executor hetzner, Executor etcd, Executor kernel, TickScheduler ticks) {

  /** Starts the periodic tick; closing the handle stops it. */
  @FunctionalInterface
  public interface TickScheduler {
    AutoCloseable every(Duration period, Runnable tick);
  }

  /** Daemon threads named after the node: the loop, one worker per external system, one ticker. */
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
        Executors.newSingleThreadExecutor(named("fipkeeper-ip-" + node)),
        ticks);
  }

  /** Everything on the calling thread and no automatic tick: for deterministic tests. */
  public static LoopThreads direct() {
    return new LoopThreads(Runnable::run, Runnable::run, Runnable::run, Runnable::run, (period, tick) -> () -> { });
  }

  /**
   * Stops taking work and waits up to {@code drain} for the etcd and {@code ip} workers to finish what is queued:
   * a resign or revoke, or the last unbind, must run before the process closes etcd and exits. Hetzner work is
   * abandoned (a takeover must not outlive its agent).
   */
  boolean shutdown(Duration drain) {
    if (hetzner instanceof ExecutorService s) {
      s.shutdownNow();
    }
    Ticker ticker = Ticker.system();
    long deadline = ticker.read() + drain.toNanos();
    boolean drained = true;
    for (Executor e : new Executor[] {etcd, kernel}) {
      if (e instanceof ExecutorService s) {
        s.shutdown();
        try {
          drained &= s.awaitTermination(Math.max(0, deadline - ticker.read()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          drained = false;
        }
      }
    }
    if (loop instanceof ExecutorService s) {
      s.shutdown();
    }
    return drained;
  }

  private static ThreadFactory named(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
