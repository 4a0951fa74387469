package io.fipkeeper;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The start-up timings line: each step's own cost and its time since the start, in order. */
class StartupTimelineTest {

  @Test
  void eachStepShowsItsOwnMillisecondsAndTheMillisecondsSinceTheStart() {
    AtomicLong nanos = new AtomicLong(5_000_000_000L);
    StartupTimeline timeline = StartupTimeline.on(nanos::get);
    nanos.addAndGet(180_400_000L);
    timeline.mark("config");
    nanos.addAndGet(20_000_000L);
    timeline.mark("adoption");
    nanos.addAndGet(1_600_000L);
    timeline.mark("http");

    assertThat(timeline.render()).isEqualTo("config=180@180 adoption=20@200 http=2@202");
    assertThat(timeline.steps()).containsExactly("config", "adoption", "http");
  }
}
