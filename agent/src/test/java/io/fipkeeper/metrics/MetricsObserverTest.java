package io.fipkeeper.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.fipkeeper.leader.AgentSnapshot;
import io.fipkeeper.leader.Event;
import io.fipkeeper.leader.State;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The same leading snapshot mirrored by an active and an observing agent: the active one is the real holder, the
 * observer only would be, so the alerts built on the holder gauges (no leader, split brain, IP not on the leader)
 * never count an observer.
 */
class MetricsObserverTest {
  private static final long SERVER = 42;
  private static final AgentSnapshot LEADING = new AgentSnapshot("cp-1", SERVER, State.LEADING, "cp-1",
      "203.0.113.7", SERVER, true, 9, Instant.parse("2026-01-01T00:00:00Z"), null, true, false, null);

  private final AgentMetrics metrics = new AgentMetrics("cp-1", "203.0.113.7", "1.0.0");

  @AfterEach
  void close() {
    metrics.close();
  }

  private double value(String name) {
    return new PrometheusText(metrics.scrape()).samples(name).get(0).value();
  }

  @Test
  void anActiveLeaderIsTheHolderAndRecordsItsFailover() {
    MetricsObserver observer = new MetricsObserver(metrics, SERVER);
    observer.onTransition(State.ACQUIRING, State.LEADING, new Event.Tick(), LEADING);
    observer.onFailoverCompleted(Duration.ofMillis(1500));

    assertThat(value("fipkeeper_leader")).isEqualTo(1.0);
    assertThat(value("fipkeeper_address_bound")).isEqualTo(1.0);
    assertThat(value("fipkeeper_floating_ip_assigned_to_self")).isEqualTo(1.0);
    assertThat(value("fipkeeper_observe_would_hold")).isZero();
    assertThat(value("fipkeeper_failover_duration_seconds_count")).isEqualTo(1.0);
  }

  @Test
  void anObservingWouldBeLeaderHoldsNothingAndRecordsNoFailover() {
    metrics.setObserveMode(true);
    MetricsObserver observer = new MetricsObserver(metrics, SERVER, true);
    observer.onTransition(State.ACQUIRING, State.LEADING, new Event.Tick(), LEADING);
    observer.onFailoverCompleted(Duration.ofMillis(3));

    assertThat(value("fipkeeper_leader")).isZero();
    assertThat(value("fipkeeper_address_bound")).isZero();
    assertThat(value("fipkeeper_floating_ip_assigned_to_self")).isZero();
    assertThat(value("fipkeeper_observe_would_hold")).isEqualTo(1.0);
    assertThat(value("fipkeeper_leader_transitions_total")).isZero();
    assertThat(value("fipkeeper_failover_duration_seconds_count")).isZero();
    assertThat(new PrometheusText(metrics.scrape()).samples("fipkeeper_state"))
        .as("the would-be state is still exported").anySatisfy(sample -> {
          assertThat(sample.labels()).containsEntry("state", "LEADING");
          assertThat(sample.value()).isEqualTo(1.0);
        });
  }
}
