package io.fipkeeper.bench.keepalived;

import io.fipkeeper.bench.Prober;
import io.fipkeeper.bench.Testbed;
import io.fipkeeper.bench.chaos.ChaosSettings;
import io.fipkeeper.bench.chaos.Checker;
import io.fipkeeper.bench.chaos.Measurement;
import io.fipkeeper.bench.chaos.Scenario;
import io.fipkeeper.bench.chaos.Timeline;
import java.util.List;

/** keepalived's trials (in progress). */
public final class KeepalivedTrials implements AutoCloseable {
  public KeepalivedTrials(Testbed bed, Prober prober, ChaosSettings settings, Checker checker, Timeline timeline) {}

  public Measurement run(Scenario s, int trial) {
    return new Measurement("keepalived", s.id(), trial, 0, null, null, false, List.of("not implemented yet"));
  }

  @Override
  public void close() {}
}
