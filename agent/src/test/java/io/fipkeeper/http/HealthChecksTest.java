package io.fipkeeper.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class HealthChecksTest {

  @Test
  void noChecksMeansHealthy() {
    assertThat(new HealthChecks().failures()).isEmpty();
  }

  @Test
  void reportsOneLinePerFailingCheckInTheOrderAdded() {
    AtomicBoolean alive = new AtomicBoolean(true);
    HealthChecks checks = new HealthChecks()
        .add("leader-loop", alive::get)
        .addProblem("tick", () -> Optional.of("no tick for 12s"))
        .add("config", () -> false);

    assertThat(checks.failures()).containsExactly("tick: no tick for 12s", "config: failed");

    alive.set(false);
    assertThat(checks.failures()).containsExactly("leader-loop: failed", "tick: no tick for 12s", "config: failed");
    assertThat(checks.names()).containsExactly("leader-loop", "tick", "config");
  }

  @Test
  void aCheckThatThrowsFailsWithTheExceptionNameAndNoStackTrace() {
    HealthChecks checks = new HealthChecks().add("etcd", () -> {
      throw new IllegalStateException("client closed");
    });

    assertThat(checks.failures()).containsExactly("etcd: check threw IllegalStateException: client closed");
  }

  @Test
  void reasonsAreFlattenedToOneBoundedLine() {
    HealthChecks checks = new HealthChecks()
        .addProblem("multi", () -> Optional.of("first\n  second\tthird"))
        .addProblem("long", () -> Optional.of("x".repeat(500)))
        .addProblem("blank", () -> Optional.of("  "));

    assertThat(checks.failures()).containsExactly(
        "multi: first second third", "long: " + "x".repeat(200) + "...", "blank: failed");
  }

  @Test
  void rejectsBlankNames() {
    assertThatThrownBy(() -> new HealthChecks().add(" ", () -> true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("health check name must not be blank");
  }
}
