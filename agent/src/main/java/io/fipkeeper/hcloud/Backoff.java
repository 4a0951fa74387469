package io.fipkeeper.hcloud;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * hcloud-go's {@code ExponentialBackoffWithOpts}: before retry {@code n} (from 0) wait
 * {@code min(cap, base * multiplier^n)}, or with jitter a uniform value between {@code base} and that.
 * The default (1s, x2, cap 60s, jitter) gives 1s, 1-2s, 1-4s, 1-8s, 1-16s.
 */
public record Backoff(Duration base, Duration cap, double multiplier, boolean jitter) {

  public static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), 2, true);

  public Backoff {
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(cap, "cap");
    if (base.isNegative() || base.isZero()) {
      throw new IllegalArgumentException("backoff base must be positive, got " + base);
    }
    if (cap.compareTo(base) < 0) {
      throw new IllegalArgumentException("backoff cap must be >= base " + base + ", got " + cap);
    }
    if (!(multiplier >= 1)) {
      throw new IllegalArgumentException("backoff multiplier must be >= 1, got " + multiplier);
    }
  }

  /** The wait before retry number {@code retry} (0 = first retry). */
  public Duration delay(int retry, RandomGenerator random) {
    double ceilingNanos = Math.min(cap.toNanos(), base.toNanos() * Math.pow(multiplier, retry));
    if (!jitter) {
      return Duration.ofNanos((long) ceilingNanos);
    }
    double spread = ceilingNanos - base.toNanos();
    return Duration.ofNanos(base.toNanos() + (long) (random.nextDouble() * spread));
  }
}
