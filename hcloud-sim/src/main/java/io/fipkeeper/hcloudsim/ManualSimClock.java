package io.fipkeeper.hcloudsim;

import java.time.Duration;
import java.time.Instant;

/** A {@link SimClock} that only moves when {@link #advance(Duration)} is called; both readings move together. */
public final class ManualSimClock implements SimClock {
  private final Instant origin;
  private long nanos;

  public ManualSimClock(Instant origin) {
    this.origin = origin;
  }

  public ManualSimClock() {
    this(Instant.parse("2026-01-01T00:00:00Z"));
  }

  @Override
  public synchronized long nanos() {
    return nanos;
  }

  @Override
  public synchronized Instant now() {
    return origin.plusNanos(nanos);
  }

  public synchronized void advance(Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException("advance must not be negative: " + d);
    }
    nanos += d.toNanos();
  }
}
