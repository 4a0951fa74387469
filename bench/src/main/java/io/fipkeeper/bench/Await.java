package io.fipkeeper.bench;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Polls a condition until it holds or a deadline passes; every wait in the harness goes through here so none
 * is unbounded. A condition that throws a {@link TestbedException} aborts the wait (a process died: waiting
 * longer cannot help); any other exception counts as "not yet".
 */
public final class Await {
  private static final long POLL_NANOS = Duration.ofMillis(50).toNanos();

  private Await() {}

  /** Waits for the condition; throws a {@link TestbedException} naming what was awaited when time runs out. */
  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    if (!tryUntil(timeout, condition)) {
      throw new TestbedException("timed out after " + timeout.toMillis() + "ms waiting for " + what);
    }
  }

  /** Waits for the condition; returns whether it held before the deadline. */
  public static boolean tryUntil(Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        if (condition.getAsBoolean()) {
          return true;
        }
      } catch (TestbedException e) {
        throw e;
      } catch (RuntimeException e) {
        // not ready yet: a refused connection or a half-written file
      }
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      LockSupport.parkNanos(POLL_NANOS);
      if (Thread.currentThread().isInterrupted()) {
        throw new TestbedException("interrupted while waiting");
      }
    }
  }
}
