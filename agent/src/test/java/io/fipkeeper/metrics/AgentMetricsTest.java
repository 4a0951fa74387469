package io.fipkeeper.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.fipkeeper.leader.Action;
import io.fipkeeper.leader.State;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AgentMetricsTest {

  private final AgentMetrics metrics = new AgentMetrics("cp-1", "203.0.113.7", "1.2.3-test");

  @AfterEach
  void close() {
    metrics.close();
  }

  private PrometheusText scrape() {
    return new PrometheusText(metrics.scrape());
  }

  @Test
  void exportsEveryDocumentedFipkeeperMetricWithItsPrometheusNameAndType() {
    metrics.hcloudResponse("assign", "201");
    metrics.recordTransition(State.STANDBY, State.CAMPAIGNING);

    Map<String, String> fipkeeperTypes = scrape().types().entrySet().stream()
        .filter(e -> e.getKey().startsWith("fipkeeper_"))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));

    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("fipkeeper_leader", "gauge");
    expected.put("fipkeeper_floating_ip_assigned_to_self", "gauge");
    expected.put("fipkeeper_address_bound", "gauge");
    expected.put("fipkeeper_state", "gauge");
    expected.put("fipkeeper_leader_transitions_total", "counter");
    expected.put("fipkeeper_state_transitions_total", "counter");
    expected.put("fipkeeper_failover_duration_seconds", "histogram");
    expected.put("fipkeeper_failover_duration_seconds_max", "gauge");
    expected.put("fipkeeper_hcloud_requests_total", "counter");
    expected.put("fipkeeper_hcloud_ratelimit_remaining", "gauge");
    expected.put("fipkeeper_hcloud_ratelimit_limit", "gauge");
    expected.put("fipkeeper_etcd_keepalive_failures_total", "counter");
    expected.put("fipkeeper_apiserver_healthy", "gauge");
    expected.put("fipkeeper_epoch", "gauge");
    expected.put("fipkeeper_build_info", "gauge");
    expected.put("fipkeeper_last_error_timestamp_seconds", "gauge");
    expected.put("fipkeeper_hcloud_credentials_rejected", "gauge");
    expected.put("fipkeeper_takeovers_given_up_total", "counter");
    expected.put("fipkeeper_repairs_total", "counter");
    expected.put("fipkeeper_recovery_verifies_deferred_total", "counter");
    expected.put("fipkeeper_mode", "gauge");
    expected.put("fipkeeper_observe_would_hold", "gauge");
    expected.put("fipkeeper_observe_would_actions_total", "counter");
    assertThat(fipkeeperTypes).containsExactlyInAnyOrderEntriesOf(expected);
  }

  @Test
  void theModeSeriesSayActiveUntilObserveModeIsSetAndEveryWouldActionExistsAtZero() {
    assertThat(scrape().samples("fipkeeper_mode")).hasSize(2)
        .anySatisfy(s -> {
          assertThat(s.labels()).containsEntry("mode", "active");
          assertThat(s.value()).isEqualTo(1.0);
        });

    metrics.setObserveMode(true);
    metrics.setWouldHold(true);
    metrics.recordWouldAction(AgentMetrics.WouldAction.ASSIGN);

    PrometheusText text = scrape();
    assertThat(text.samples("fipkeeper_mode")).anySatisfy(s -> {
      assertThat(s.labels()).containsEntry("mode", "observe");
      assertThat(s.value()).isEqualTo(1.0);
    }).anySatisfy(s -> {
      assertThat(s.labels()).containsEntry("mode", "active");
      assertThat(s.value()).isZero();
    });
    assertThat(text.samples("fipkeeper_observe_would_hold")).singleElement()
        .satisfies(s -> assertThat(s.value()).isEqualTo(1.0));
    assertThat(text.samples("fipkeeper_observe_would_actions_total")).hasSize(3)
        .anySatisfy(s -> {
          assertThat(s.labels()).containsEntry("action", "assign");
          assertThat(s.value()).isEqualTo(1.0);
        })
        .anySatisfy(s -> {
          assertThat(s.labels()).containsEntry("action", "unbind");
          assertThat(s.value()).isZero();
        });
  }

  @Test
  void everyGiveUpReasonAndRepairKindExistsAtZeroAndCountsSeparately() {
    metrics.recordGiveUp(Action.GiveUp.CREDENTIALS);
    metrics.recordRepair(Action.Repair.REBIND);
    metrics.recordRepair(Action.Repair.REBIND);
    metrics.setCredentialsRejected(true);

    PrometheusText text = scrape();
    assertThat(text.samples("fipkeeper_takeovers_given_up_total")).hasSize(3)
        .anySatisfy(s -> {
          assertThat(s.labels()).containsEntry("reason", "credentials");
          assertThat(s.value()).isEqualTo(1.0);
        })
        .anySatisfy(s -> {
          assertThat(s.labels()).containsEntry("reason", "timeout");
          assertThat(s.value()).isZero();
        });
    assertThat(text.samples("fipkeeper_repairs_total")).hasSize(3)
        .anySatisfy(s -> {
          assertThat(s.labels()).containsEntry("repair", "rebind");
          assertThat(s.value()).isEqualTo(2.0);
        });
    assertThat(text.samples("fipkeeper_hcloud_credentials_rejected")).singleElement()
        .satisfies(s -> assertThat(s.value()).isEqualTo(1.0));
  }

  @Test
  void everySeriesCarriesTheNodeAndFloatingIpTags() {
    PrometheusText text = scrape();

    assertThat(text.samples("fipkeeper_leader")).singleElement()
        .satisfies(s -> assertThat(s.labels()).containsExactly(
            entry("floating_ip", "203.0.113.7"), entry("node", "cp-1")));
    assertThat(text.samples("jvm_threads_live_threads")).singleElement()
        .satisfies(s -> assertThat(s.labels()).containsEntry("node", "cp-1"));
  }

  @Test
  void buildInfoNamesTheVersionAndReadsOne() {
    assertThat(scrape().value("fipkeeper_build_info", Map.of("version", "1.2.3-test"))).contains(1.0);
  }

  @Test
  void stateGaugeReadsOneOnlyForTheCurrentState() {
    PrometheusText before = scrape();
    assertThat(before.samples("fipkeeper_state")).hasSize(State.values().length)
        .allSatisfy(s -> assertThat(s.value()).isZero());

    metrics.setState(State.LEADING);

    PrometheusText after = scrape();
    for (State s : State.values()) {
      assertThat(after.value("fipkeeper_state", Map.of("state", s.name())))
          .as("fipkeeper_state{state=%s}", s)
          .contains(s == State.LEADING ? 1.0 : 0.0);
    }
  }

  @Test
  void recordTransitionCountsTheStatePairAndMovesTheStateGauge() {
    metrics.recordTransition(State.CAMPAIGNING, State.ACQUIRING);
    metrics.recordTransition(State.CAMPAIGNING, State.ACQUIRING);
    metrics.recordTransition(State.ACQUIRING, State.LEADING);

    PrometheusText text = scrape();
    assertThat(text.value("fipkeeper_state_transitions_total", Map.of("from", "CAMPAIGNING", "to", "ACQUIRING")))
        .contains(2.0);
    assertThat(text.value("fipkeeper_state_transitions_total", Map.of("from", "ACQUIRING", "to", "LEADING")))
        .contains(1.0);
    assertThat(text.value("fipkeeper_state", Map.of("state", "LEADING"))).contains(1.0);
    assertThat(text.value("fipkeeper_state", Map.of("state", "ACQUIRING"))).contains(0.0);
  }

  @Test
  void leaderTransitionsCountOnlyChangesOfLeadership() {
    metrics.setLeader(false);
    assertThat(scrape().value("fipkeeper_leader_transitions_total")).isZero();

    metrics.setLeader(true);
    metrics.setLeader(true);
    PrometheusText won = scrape();
    assertThat(won.value("fipkeeper_leader")).isEqualTo(1.0);
    assertThat(won.value("fipkeeper_leader_transitions_total")).isEqualTo(1.0);

    metrics.setLeader(false);
    PrometheusText lost = scrape();
    assertThat(lost.value("fipkeeper_leader")).isZero();
    assertThat(lost.value("fipkeeper_leader_transitions_total")).isEqualTo(2.0);
  }

  @Test
  void failoverHistogramHasExplicitBucketsFromFiftyMillisecondsToOneMinute() {
    metrics.recordFailover(Duration.ofMillis(1500));
    metrics.recordFailover(Duration.ofMillis(40));

    PrometheusText text = scrape();
    Map<String, Double> buckets = text.samples("fipkeeper_failover_duration_seconds_bucket").stream()
        .collect(Collectors.toMap(s -> s.labels().get("le"), PrometheusText.Sample::value));
    String[] expectedBounds = Arrays.stream(AgentMetrics.FAILOVER_BUCKETS_SECONDS)
        .mapToObj(Double::toString).toArray(String[]::new);
    assertThat(buckets).containsOnlyKeys(concat(expectedBounds, "+Inf"));
    assertThat(AgentMetrics.FAILOVER_BUCKETS_SECONDS[0]).isEqualTo(0.05);
    assertThat(AgentMetrics.FAILOVER_BUCKETS_SECONDS[AgentMetrics.FAILOVER_BUCKETS_SECONDS.length - 1])
        .isEqualTo(60.0);
    assertThat(buckets).containsEntry("0.05", 1.0).containsEntry("1.0", 1.0)
        .containsEntry("2.0", 2.0).containsEntry("+Inf", 2.0);
    assertThat(text.value("fipkeeper_failover_duration_seconds_count")).isEqualTo(2.0);
    assertThat(text.value("fipkeeper_failover_duration_seconds_sum")).isCloseTo(1.54, within());
  }

  @Test
  void hcloudResponsesAreCountedPerOperationAndCode() {
    metrics.hcloudResponse("assign", "201");
    metrics.hcloudResponse("assign", "429");
    metrics.hcloudResponse("assign", "429");
    metrics.hcloudResponse("get_floating_ip", "200");

    PrometheusText text = scrape();
    assertThat(text.value("fipkeeper_hcloud_requests_total", Map.of("operation", "assign", "code", "429")))
        .contains(2.0);
    assertThat(text.value("fipkeeper_hcloud_requests_total", Map.of("operation", "assign", "code", "201")))
        .contains(1.0);
    assertThat(text.value("fipkeeper_hcloud_requests_total", Map.of("operation", "get_floating_ip", "code", "200")))
        .contains(1.0);
    assertThat(text.samples("fipkeeper_hcloud_requests_total")).hasSize(3);
  }

  @Test
  void rateLimitGaugesReadMinusOneUntilHeadersAreSeen() {
    PrometheusText before = scrape();
    assertThat(before.value("fipkeeper_hcloud_ratelimit_limit")).isEqualTo(-1.0);
    assertThat(before.value("fipkeeper_hcloud_ratelimit_remaining")).isEqualTo(-1.0);

    metrics.setRateLimit(3600, 3571);

    PrometheusText after = scrape();
    assertThat(after.value("fipkeeper_hcloud_ratelimit_limit")).isEqualTo(3600.0);
    assertThat(after.value("fipkeeper_hcloud_ratelimit_remaining")).isEqualTo(3571.0);
  }

  @Test
  void flagGaugesEpochKeepAliveFailuresAndLastErrorFollowTheirSetters() {
    metrics.setAssignedToSelf(true);
    metrics.setBound(true);
    metrics.setApiserverHealthy(true);
    metrics.setEpoch(4711);
    metrics.keepAliveFailed();
    metrics.keepAliveFailed();
    metrics.recordError(Instant.parse("2026-11-25T16:00:00.500Z"));

    PrometheusText text = scrape();
    assertThat(text.value("fipkeeper_floating_ip_assigned_to_self")).isEqualTo(1.0);
    assertThat(text.value("fipkeeper_address_bound")).isEqualTo(1.0);
    assertThat(text.value("fipkeeper_apiserver_healthy")).isEqualTo(1.0);
    assertThat(text.value("fipkeeper_epoch")).isEqualTo(4711.0);
    assertThat(text.value("fipkeeper_etcd_keepalive_failures_total")).isEqualTo(2.0);
    assertThat(text.value("fipkeeper_last_error_timestamp_seconds"))
        .isCloseTo(Instant.parse("2026-11-25T16:00:00.500Z").toEpochMilli() / 1000.0, within());

    metrics.setBound(false);
    assertThat(scrape().value("fipkeeper_address_bound")).isZero();
  }

  @Test
  void exportsJvmMemoryThreadAndProcessCpuMetrics() {
    assertThat(scrape().types()).containsKeys(
        "jvm_memory_used_bytes",
        "jvm_memory_max_bytes",
        "jvm_threads_live_threads",
        "jvm_classes_loaded_classes",
        "process_cpu_usage",
        "process_uptime_seconds",
        "process_start_time_seconds");
  }

  /** promtool flags an abbreviated unit in a name and a _count suffix on a gauge; the CPU time is in seconds. */
  @Test
  void exportsCpuTimeInSecondsUnderThePrometheusClientName() {
    PrometheusText text = scrape();

    assertThat(text.types()).containsEntry("process_cpu_seconds_total", "counter")
        .doesNotContainKeys("process_cpu_time_ns_total", "system_cpu_count");
    assertThat(text.value("process_cpu_seconds_total")).isPositive().isLessThan(3600);
  }

  @Test
  void openMetricsScrapeUsesOpenMetricsSyntax() {
    String text = metrics.scrapeOpenMetrics();

    assertThat(text).contains("# TYPE fipkeeper_leader_transitions counter")
        .contains("fipkeeper_leader_transitions_total{")
        .endsWith("# EOF\n");
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-6);
  }

  private static String[] concat(String[] head, String last) {
    String[] all = Arrays.copyOf(head, head.length + 1);
    all[head.length] = last;
    return all;
  }
}
