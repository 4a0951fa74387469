package io.fipkeeper.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the outside client's outage is computed from its probe samples (no root needed). */
class ProberTest {
  private static Prober.Sample ok(long ms) {
    return new Prober.Sample(ms * 1_000_000, true, "cp-1");
  }

  private static Prober.Sample fail(long ms) {
    return new Prober.Sample(ms * 1_000_000, false, "SocketTimeoutException");
  }

  @Test
  void outageRunsFromTheFirstFailedProbeToTheNextAnsweredOne() {
    List<Prober.Sample> samples = List.of(ok(0), ok(50), fail(100), fail(150), fail(200), ok(250), fail(300), ok(350));
    assertThat(Prober.outageAfter(samples, 60_000_000)).contains(Duration.ofMillis(150));
  }

  @Test
  void outageIsZeroWhenEveryProbeAfterTheEventWasAnswered() {
    assertThat(Prober.outageAfter(List.of(fail(0), ok(50), ok(100)), 40_000_000)).contains(Duration.ZERO);
  }

  @Test
  void outageIsUnknownWhileItIsStillGoingOn() {
    assertThat(Prober.outageAfter(List.of(ok(0), fail(50), fail(100)), 10_000_000)).isEmpty();
  }

  @Test
  void outageIsUnknownBeforeAnyProbeAfterTheEvent() {
    assertThat(Prober.outageAfter(List.of(ok(0), ok(50)), 100_000_000)).isEmpty();
  }
}
