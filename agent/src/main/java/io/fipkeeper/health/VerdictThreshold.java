package io.fipkeeper.health;

import java.util.Optional;

/**
 * Turns single check results into a healthy/unhealthy verdict with consecutive thresholds, so one slow answer
 * doesn't flip the verdict. The first check always produces a verdict (healthy only if it already meets the
 * success threshold: until proven healthy, the apiserver counts as unhealthy); after that a verdict is
 * produced only when it changes. Not thread-safe; the probe calls it from one thread at a time.
 */
final class VerdictThreshold {
  private final int failureThreshold;
  private final int successThreshold;
  private Boolean verdict;
  private int consecutiveSuccesses;
  private int consecutiveFailures;

  VerdictThreshold(int failureThreshold, int successThreshold) {
    if (failureThreshold < 1 || successThreshold < 1) {
      throw new IllegalArgumentException("thresholds must be at least 1, got failure=" + failureThreshold
          + " success=" + successThreshold);
    }
    this.failureThreshold = failureThreshold;
    this.successThreshold = successThreshold;
  }

  /** Records one result; returns the verdict when it is the first one or differs from the previous one. */
  Optional<Boolean> record(boolean ok) {
    if (ok) {
      consecutiveSuccesses++;
      consecutiveFailures = 0;
    } else {
      consecutiveFailures++;
      consecutiveSuccesses = 0;
    }
    boolean next;
    if (verdict == null) {
      next = consecutiveSuccesses >= successThreshold;
    } else if (verdict) {
      next = consecutiveFailures < failureThreshold;
    } else {
      next = consecutiveSuccesses >= successThreshold;
    }
    if (verdict != null && verdict == next) {
      return Optional.empty();
    }
    verdict = next;
    return Optional.of(next);
  }

  /** The current verdict; empty before the first result. */
  Optional<Boolean> current() {
    return Optional.ofNullable(verdict);
  }
}
