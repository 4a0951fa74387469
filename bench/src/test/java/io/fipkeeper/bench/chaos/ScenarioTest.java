package io.fipkeeper.bench.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScenarioTest {
  @Test
  void idsRoundTripAndAnUnknownIdNamesTheKnownOnes() {
    for (Scenario s : Scenario.values()) {
      assertThat(Scenario.of(s.id())).isSameAs(s);
    }
    assertThat(Scenario.HCLOUD_429_STORM.id()).isEqualTo("hcloud-429-storm");
    assertThatThrownBy(() -> Scenario.of("leader-crash"))
        .hasMessageStartingWith("unknown scenario 'leader-crash'; known: leader-sigkill, leader-sigterm");
  }

  @Test
  void boundsFollowTheFailoverArithmetic() {
    Bounds b = new Bounds(2000, 1000, 10_000);

    assertThat(b.of(Scenario.LEADER_SIGKILL)).isEqualTo(2000 + 500 + 1000 + 2000);
    assertThat(b.of(Scenario.LEADER_SIGTERM)).isEqualTo(1000 + 1500);
    assertThat(b.of(Scenario.SLOW_ACTION)).isEqualTo(2000 + 500 + 3000 + 2000);
    // issue 8: the storm's end + action + 1.5 s, no longer crash + twice the storm
    assertThat(b.of(Scenario.HCLOUD_429_STORM)).isEqualTo(10_000 + 1000 + 1500);
    assertThat(b.of(Scenario.HCLOUD_503)).isEqualTo(10_000 + 1000 + 1500);
    assertThat(new Bounds(2000, 1000, 1000).of(Scenario.HCLOUD_503)).isEqualTo(2500 + 1000 + 1500);
    assertThat(b.of(Scenario.ADDRESS_REMOVED)).isEqualTo(3000);
    assertThat(new Bounds(2000, 1000, 10_000, 7000).of(Scenario.WINNER_CANNOT_REACH_HETZNER)).isEqualTo(7000 + 5500);
    // the agent's takeoverTimeout default (20 s) + crash
    assertThat(b.of(Scenario.WINNER_CANNOT_REACH_HETZNER)).isEqualTo(20_000 + 5500);
    assertThat(b.of(Scenario.LEADER_PAUSE)).isEqualTo(5500);
    assertThat(b.of(Scenario.ETCD_QUORUM_LOSS_LONG)).isEqualTo(b.of(Scenario.ETCD_QUORUM_LOSS));
    for (Scenario none : List.of(Scenario.ETCD_MEMBER_KILL, Scenario.ETCD_LEADER_KILL, Scenario.ETCD_SLOW,
        Scenario.CLOCK_STEP, Scenario.LEADER_CRASH_RESTART)) {
      assertThat(b.of(none)).as(none.id()).isNull();
    }
    assertThat(b.all()).hasSize(Scenario.values().length).containsEntry("etcd-member-kill", null);
    assertThat(b.of(Scenario.REPLACE_LEADER_HARD)).isEqualTo(5500 + 2000 + 1000);
    assertThat(b.of(Scenario.REPLACE_LEADER)).as("crash + a lease re-granted by a new etcd leader").isEqualTo(5500 + 2000 + 1000);
    assertThat(b.of(Scenario.ROLLING_REPLACE)).isEqualTo(2500);
    assertThat(b.of(Scenario.LEADER_PARTITION)).as("etcd's new raft leader re-grants every lease: like replace-leader")
        .isEqualTo(b.of(Scenario.REPLACE_LEADER));
    assertThat(b.of(Scenario.TOKEN_REVOKED)).as("from the fix: the token file read + graceful").isEqualTo(1000 + 2500);
    assertThat(b.of(Scenario.REPLACE_STANDBY)).isNull();
    assertThat(b.kubectlOutage(Scenario.REPLACE_STANDBY)).as("no failed kubectl call at all").isZero();
    assertThat(b.kubectlOutage(Scenario.REPLACE_LEADER_HARD)).isEqualTo(8500 + 1200);
  }

  @Test
  void shortSuiteIsTheCiSubsetWithTheAwaitingScenariosGatedInOnePlace() {
    assertThat(Scenario.SHORT).extracting(Scenario::id)
        .containsExactly("leader-sigkill", "leader-sigterm", "apiserver-fail", "replace-leader", "address-removed",
            "winner-cannot-reach-hetzner", "leader-crash-restart", "etcd-leader-kill", "etcd-quorum-loss",
            "action-error");
    assertThat(Scenario.SHORT).containsAll(Scenario.AWAITING_AGENT_FIX);
    assertThat(Scenario.shortSuite(true)).isEqualTo(Scenario.SHORT);
    // (doesNotContainAnyElementsOf refuses an empty list, and the gate may well be empty)
    assertThat(Scenario.shortSuite(false)).noneMatch(Scenario.AWAITING_AGENT_FIX::contains)
        .hasSize(Scenario.SHORT.size() - Scenario.AWAITING_AGENT_FIX.size());
    assertThat(Scenario.shortSuite(false)).as("on in CI since the agent adopts its lease early in start-up")
        .contains(Scenario.LEADER_CRASH_RESTART);
    ChaosSettings s = ChaosSettings.shortSuite(null, null, null);
    assertThat(s.trials()).isEqualTo(1);
    assertThat(s.scenarios()).isEqualTo(Scenario.shortSuite(false));
    assertThat(ChaosSettings.shortSuite(null, null, null, true).scenarios()).isEqualTo(Scenario.SHORT);
    assertThat(s.keepalivedScenarios()).containsExactly(Scenario.LEADER_SIGKILL);
  }

  @Test
  void longScenariosTakeTheirOwnTrialCountAndOverridesWin() {
    ChaosSettings s = new ChaosSettings(null, null, 20, List.of(Scenario.values()), List.of(), 1000, 2,
        Duration.ofSeconds(8), Duration.ofSeconds(10), Duration.ofSeconds(10), 1, false, null, 5,
        Map.of(Scenario.CLOCK_STEP, 3), Duration.ofSeconds(60), Duration.ofSeconds(10), Map.of());

    assertThat(s.trialsOf(Scenario.LEADER_PARTITION)).isEqualTo(20);
    assertThat(s.trialsOf(Scenario.ETCD_SLOW)).isEqualTo(5);
    assertThat(s.trialsOf(Scenario.ETCD_QUORUM_LOSS_LONG)).isEqualTo(5);
    assertThat(s.trialsOf(Scenario.CLOCK_STEP)).isEqualTo(3);
  }
}
