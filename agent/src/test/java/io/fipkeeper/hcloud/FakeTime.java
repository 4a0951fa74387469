package io.fipkeeper.hcloud;

import io.fipkeeper.time.Ticker;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

/** A hand-driven ticker, wall clock and sleeper: sleeping records the duration and advances both clocks. */
final class FakeTime implements Ticker, InstantSource, Sleeper {
  private long nanos = 1_000_000_000L;
  private Instant wall = Instant.parse("2026-11-25T12:00:00Z");
  private final List<Duration> sleeps = new ArrayList<>();

  @Override
  public synchronized long read() {
    return nanos;
  }

  @Override
  public synchronized Instant instant() {
    return wall;
  }

  @Override
  public synchronized void sleep(Duration duration) {
    sleeps.add(duration);
    advance(duration);
  }

  synchronized void advance(Duration duration) {
    nanos += duration.toNanos();
    wall = wall.plus(duration);
  }

  synchronized List<Duration> sleeps() {
    return List.copyOf(sleeps);
  }

  synchronized Duration slept() {
    return sleeps.stream().reduce(Duration.ZERO, Duration::plus);
  }
}
