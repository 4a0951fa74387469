package io.fipkeeper.bench.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Nearest-rank percentiles: the p-th percentile of n sorted values is the value at 1-based rank
 * {@code ceil(p/100 · n)}. It is always one of the measured values (no interpolation), so p99 of 20 trials is
 * rank ceil(19.8) = 20, the maximum, and p50 of 20 is rank 10. With fewer than 100 trials p99 is the maximum:
 * a target on p99 is then a target on every trial.
 */
public final class Percentiles {
  private final List<Double> sorted;

  public Percentiles(List<? extends Number> values) {
    List<Double> copy = new ArrayList<>();
    values.forEach(v -> copy.add(v.doubleValue()));
    Collections.sort(copy);
    this.sorted = List.copyOf(copy);
  }

  public int count() {
    return sorted.size();
  }

  public boolean isEmpty() {
    return sorted.isEmpty();
  }

  /** The nearest-rank percentile, p in (0, 100]; throws on an empty set. */
  public double at(double p) {
    if (p <= 0 || p > 100) {
      throw new IllegalArgumentException("percentile must be in (0, 100], was " + p);
    }
    if (sorted.isEmpty()) {
      throw new IllegalStateException("no values");
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(1, rank) - 1);
  }

  public double p50() {
    return at(50);
  }

  public double p99() {
    return at(99);
  }

  public double max() {
    return at(100);
  }

  public double min() {
    return sorted.get(0);
  }

  public List<Double> sorted() {
    return sorted;
  }
}
