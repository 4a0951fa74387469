package io.fipkeeper.hcloudsim;

import java.time.Instant;

/**
 * The simulator's only source of time: {@link #nanos()} drives action progress and the rate-limit bucket,
 * {@link #now()} produces the timestamps shown in JSON. Tests pass a {@link ManualSimClock} and advance it.
 */
public interface SimClock {
  /** Monotonic nanoseconds; only differences matter. */
  long nanos();

  /** Wall-clock time for {@code started}/{@code finished}/{@code created} and {@code RateLimit-Reset}. */
  Instant now();

  /** The real clock: {@link System#nanoTime()} and {@link Instant#now()}. */
  static SimClock system() {
    return new SimClock() {
      @Override
      public long nanos() {
        return System.nanoTime();
      }

      @Override
      public Instant now() {
        return Instant.now();
      }
    };
  }
}
