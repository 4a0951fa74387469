package io.fipkeeper.etcd;

import io.fipkeeper.time.Ticker;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for a jetcd future with a deadline. The wait ignores interrupts until the deadline and restores the
 * interrupt flag afterwards: shutdown typically arrives as an interrupt, and the clean-up calls made then (resign,
 * revoke) must still reach etcd. This is the Java form of Talos revoking on a fresh context rather than the
 * cancelled one.
 */
final class BoundedCall {

  private static final Ticker TICKER = Ticker.system();

  private BoundedCall() {}

  static <T> T await(CompletableFuture<T> future, Duration timeout) throws ExecutionException, TimeoutException {
    long deadline = TICKER.read() + timeout.toNanos();
    boolean interrupted = false;
    try {
      while (true) {
        long left = deadline - TICKER.read();
        if (left <= 0) {
          future.cancel(false);
          throw new TimeoutException("no answer within " + timeout.toMillis() + " ms");
        }
        try {
          return future.get(left, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (TimeoutException e) {
          future.cancel(false);
          throw new TimeoutException("no answer within " + timeout.toMillis() + " ms");
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
