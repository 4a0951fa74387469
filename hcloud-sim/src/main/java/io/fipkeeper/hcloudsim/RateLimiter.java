package io.fipkeeper.hcloudsim;

import java.time.Duration;

/**
 * The project-wide token bucket: capacity {@code limit}, refilled continuously so that an empty bucket is full again
 * after {@code period} (3600 per hour gives one request per second). Only the caller's lock protects it: SimState
 * owns the single instance and calls it under its lock.
 */
final class RateLimiter {
  private final int limit;
  private final double tokensPerNano;
  private double tokens;
  private long lastNanos;

  RateLimiter(int limit, Duration period, long nowNanos) {
    if (limit < 1) {
      throw new IllegalArgumentException("rate limit must be >= 1, was " + limit);
    }
    if (period.isZero() || period.isNegative()) {
      throw new IllegalArgumentException("rate limit period must be positive, was " + period);
    }
    this.limit = limit;
    this.tokensPerNano = limit / (double) period.toNanos();
    this.tokens = limit;
    this.lastNanos = nowNanos;
  }

  /** Takes one token; false when the bucket is empty (the request is then answered 429 and costs nothing). */
  boolean tryAcquire(long nowNanos) {
    refill(nowNanos);
    if (tokens < 1) {
      return false;
    }
    tokens -= 1;
    return true;
  }

  RateLimitState state(long nowNanos, long nowEpochMillis) {
    refill(nowNanos);
    int remaining = (int) Math.floor(tokens);
    double missing = limit - tokens;
    long secondsToFull = (long) Math.ceil(missing / tokensPerNano / 1e9 - 1e-9);
    return new RateLimitState(limit, remaining, Math.floorDiv(nowEpochMillis, 1000) + Math.max(0, secondsToFull));
  }

  private void refill(long nowNanos) {
    long elapsed = nowNanos - lastNanos;
    if (elapsed > 0) {
      tokens = Math.min(limit, tokens + elapsed * tokensPerNano);
      lastNanos = nowNanos;
    }
  }
}
