package io.fipkeeper.bench.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.fipkeeper.bench.Prober.Sample;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutageTest {
  private static final long MS = 1_000_000L;

  @Test
  void countsTheGapAfterAProbeThatStillSucceededRightAfterTheFault() {
    List<Sample> samples = List.of(ok(0), ok(50), fail(100), fail(150), fail(200), ok(250), ok(300));

    assertThat(Outage.within(samples, 10 * MS, 400 * MS)).isEqualTo(150.0);
  }

  @Test
  void addsUpSeveralGapsAndCountsAGapStillOpenUntilTheWindowEnds() {
    List<Sample> samples = List.of(fail(0), ok(100), fail(200), ok(230), fail(300));

    assertThat(Outage.within(samples, 0, 400 * MS)).isEqualTo(100.0 + 30.0 + 100.0);
  }

  @Test
  void isZeroWhenEveryProbeAnsweredAndNullWithoutProbes() {
    assertThat(Outage.within(List.of(ok(0), ok(50)), 0, 100 * MS)).isEqualTo(0.0);
    assertThat(Outage.within(List.of(ok(0)), 10 * MS, 100 * MS)).isNull();
  }

  private static Sample ok(long ms) {
    return new Sample(ms * MS, true, "cp-1");
  }

  private static Sample fail(long ms) {
    return new Sample(ms * MS, false, "ConnectException");
  }
}
