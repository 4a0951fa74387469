package io.fipkeeper.bench.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CheckerTest {
  private static final Instant T0 = Instant.parse("2026-11-25T16:00:00Z");
  private static final Map<Long, String> NODES = Map.of(1L, "cp-1", 2L, "cp-2", 3L, "cp-3");
  private final Checker checker = new Checker("203.0.113.10", Duration.ofMillis(50));

  @Test
  void passesACleanCrashFailover() {
    List<String> log2 = List.of(
        line(100, "io.fipkeeper.leader.LeaderLoop", "state from=STANDBY to=CAMPAIGNING event=ApiserverHealth term=-"),
        line(2500, "io.fipkeeper.leader.LeaderLoop", "state from=CAMPAIGNING to=ACQUIRING event=ElectionWon term=7"),
        line(2510, "io.fipkeeper.leader.ActionRunner", "bound address fip=203.0.113.10 interface=eth0"),
        line(3700, "io.fipkeeper.leader.LeaderLoop", "state from=ACQUIRING to=LEADING event=AssignDone term=7"));
    List<NodeEvent> events = new ArrayList<>(AgentLog.parse("cp-2", log2));
    events.add(NodeEvent.harness(at(500), "cp-1", "sigkill", NodeEvent.DOWN));
    TrialRecord t = trial(List.of(assign(2600, 2)), events,
        Map.of("cp-1", List.of("198.51.100.11/24"), "cp-2", List.of("198.51.100.12/24", "203.0.113.10/32"),
            "cp-3", List.of("198.51.100.13/24")), "cp-2", "cp-2", 3200.0, 5500L, List.of());

    assertThat(checker.check(t)).isEmpty();
  }

  @Test
  void reportsAnAssignFromANodeThatWasNotLeaderWithTheOffendingLines() {
    List<String> log3 = List.of(
        line(100, "io.fipkeeper.leader.LeaderLoop", "state from=STANDBY to=CAMPAIGNING event=ApiserverHealth term=-"),
        line(2000, "io.fipkeeper.leader.LeaderLoop", "state from=LEADING to=SUSPENDED event=Tick term=5"));
    TrialRecord t = trial(List.of(assign(2600, 3)), AgentLog.parse("cp-3", log3),
        Map.of("cp-3", List.of("203.0.113.10/32")), "cp-3", "cp-3", 1000.0, 5500L, List.of());

    List<String> violations = checker.check(t);

    assertThat(violations).hasSize(1);
    assertThat(violations.get(0))
        .startsWith("fencing: cp-3 assigned the floating IP while SUSPENDED")
        .contains("hcloud POST /v1/floating_ips/1/actions/assign server=3 (cp-3) status=201")
        .contains("cp-3: state from=LEADING to=SUSPENDED");
  }

  @Test
  void toleratesAStepDownLoggedJustBeforeTheSimulatorAnswered() {
    List<String> log1 = List.of(
        line(1000, "io.fipkeeper.leader.LeaderLoop", "state from=CAMPAIGNING to=ACQUIRING event=ElectionWon term=5"),
        line(2580, "io.fipkeeper.leader.LeaderLoop", "state from=ACQUIRING to=SUSPENDED event=Tick term=5"));
    TrialRecord t = trial(List.of(assign(2600, 1)), AgentLog.parse("cp-1", log1),
        Map.of("cp-1", List.of("203.0.113.10/32")), "cp-1", "cp-1", null, null, List.of());

    assertThat(checker.check(t)).isEmpty();
  }

  @Test
  void treatsAKilledNodeAsDownEvenThoughItsLastLogLineSaysLeading() {
    List<NodeEvent> events = new ArrayList<>(AgentLog.parse("cp-1", List.of(
        line(100, "io.fipkeeper.leader.LeaderLoop", "state from=ACQUIRING to=LEADING event=AssignDone term=3"))));
    events.add(NodeEvent.harness(at(1000), "cp-1", "sigkill", NodeEvent.DOWN));
    TrialRecord t = trial(List.of(assign(3000, 1)), events,
        Map.of("cp-1", List.of("203.0.113.10/32")), "cp-1", "cp-1", null, null, List.of());

    assertThat(checker.check(t)).singleElement().asString().startsWith("fencing: cp-1 assigned the floating IP while DOWN");
  }

  @Test
  void reportsAnUnassignCallAndAnIpRoutedNowhere() {
    SimCall unassign = new SimCall(at(1500), "POST", "/v1/floating_ips/1/actions/unassign", null, 201, null);
    TrialRecord t = new TrialRecord("fipkeeper", "leader-sigkill", 1, at(0), at(10_000), List.of(unassign), List.of(),
        NODES, List.of(new TrialRecord.Assignment(at(0), 1L), new TrialRecord.Assignment(at(1600), null)),
        Map.of(), null, null, null, null, true, List.of());

    assertThat(checker.check(t)).hasSize(2)
        .anySatisfy(v -> assertThat(v).startsWith("unassign: the floating IP was unassigned"))
        .anySatisfy(v -> assertThat(v).startsWith("unassign: Hetzner routed the floating IP nowhere"));
  }

  @Test
  void acceptsTheIpRoutedNowhereRightAfterTheServerHoldingItWasDeleted() {
    SimCall deletion = new SimCall(at(1500), "DELETE", "/v1/servers/1", 1L, 200, null);
    TrialRecord t = new TrialRecord("fipkeeper", "replace-leader", 1, at(0), at(10_000), List.of(deletion), List.of(),
        NODES, List.of(new TrialRecord.Assignment(at(0), 1L), new TrialRecord.Assignment(at(1540), null),
            new TrialRecord.Assignment(at(4000), 2L)), Map.of(), null, null, null, null, true, List.of());

    assertThat(checker.check(t)).isEmpty();
  }

  @Test
  void stillReportsAnIpRoutedNowhereWhenTheDeletedServerDidNotHoldIt() {
    SimCall otherDeleted = new SimCall(at(1500), "DELETE", "/v1/servers/3", 3L, 200, null);
    SimCall failedDeletion = new SimCall(at(1500), "DELETE", "/v1/servers/1", 1L, 423, "locked");
    TrialRecord t = new TrialRecord("fipkeeper", "replace-standby", 1, at(0), at(10_000),
        List.of(otherDeleted, failedDeletion), List.of(), NODES,
        List.of(new TrialRecord.Assignment(at(0), 1L), new TrialRecord.Assignment(at(1600), null)),
        Map.of(), null, null, null, null, true, List.of());

    assertThat(checker.check(t)).singleElement().asString()
        .startsWith("unassign: Hetzner routed the floating IP nowhere");
  }

  @Test
  void reportsSplitBrainStaleAddressAndBlackholeAfterSettling() {
    TrialRecord t = trial(List.of(), List.of(),
        Map.of("cp-1", List.of("203.0.113.10/32"), "cp-2", List.of("203.0.113.10/32"), "cp-3", List.of()),
        "cp-2", "cp-3", null, null, List.of());

    assertThat(checker.check(t))
        .anySatisfy(v -> assertThat(v).startsWith("split brain: after settling 2 nodes"))
        .anySatisfy(v -> assertThat(v).startsWith("stale address: cp-1 has 203.0.113.10 bound"))
        .anySatisfy(v -> assertThat(v).startsWith("blackhole: Hetzner routes the floating IP to cp-3"))
        .hasSize(3);
  }

  @Test
  void reportsARecoveryOverItsBoundAndOneThatNeverCame() {
    TrialRecord slow = trial(List.of(), List.of(), Map.of(), null, null, 7000.0, 5500L, List.of());
    TrialRecord never = new TrialRecord("fipkeeper", "leader-sigkill", 1, at(0), at(10_000), List.of(), List.of(),
        NODES, List.of(), Map.of(), null, null, null, 5500L, false, List.of());

    assertThat(checker.check(slow)).containsExactly("recovery: took 7000 ms, bound 5500 ms");
    assertThat(checker.check(never)).singleElement().asString().startsWith("recovery: did not recover within the wait");
  }

  @Test
  void ignoresCallsOutsideTheTrialWindow() {
    TrialRecord t = trial(List.of(assign(-5000, 3), assign(20_000, 3)), List.of(), Map.of(), null, null, null, null,
        List.of());

    assertThat(checker.check(t)).isEmpty();
  }

  private static TrialRecord trial(List<SimCall> calls, List<NodeEvent> events, Map<String, List<String>> addresses,
      String leader, String assigned, Double recoveryMs, Long boundMs, List<String> extra) {
    return new TrialRecord("fipkeeper", "leader-sigkill", 1, at(0), at(10_000), calls, events, NODES,
        List.of(new TrialRecord.Assignment(at(0), 1L)), addresses, leader, assigned, recoveryMs, boundMs, true, extra);
  }

  private static SimCall assign(long ms, long server) {
    return new SimCall(at(ms), "POST", "/v1/floating_ips/1/actions/assign", server, 201, null);
  }

  private static Instant at(long ms) {
    return T0.plusMillis(ms);
  }

  private static String line(long ms, String logger, String msg) {
    return at(ms) + " INFO  [fipkeeper-loop] " + logger + " - " + msg;
  }
}
