package io.fipkeeper.time;

/**
 * A monotonic source of nanoseconds (Caffeine's {@code Ticker}). Deadlines, timeouts and backoff read time
 * only through this interface so tests can advance it by hand; wall-clock timestamps for humans come from
 * {@link java.time.InstantSource} instead.
 */
@FunctionalInterface
public interface Ticker {
  /** Nanoseconds from an arbitrary origin; only differences are meaningful. */
  long read();

  static Ticker system() {
    return System::nanoTime;
  }
}
