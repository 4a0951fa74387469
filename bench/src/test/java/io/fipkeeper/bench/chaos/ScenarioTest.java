package io.fipkeeper.bench.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    assertThat(b.of(Scenario.HCLOUD_429_STORM)).isEqualTo(5500 + 20_000);
    assertThat(b.of(Scenario.ETCD_MEMBER_KILL)).isNull();
    assertThat(b.all()).hasSize(Scenario.values().length).containsEntry("etcd-member-kill", null);
    assertThat(b.of(Scenario.REPLACE_LEADER_HARD)).isEqualTo(5500 + 2000 + 1000);
    assertThat(b.of(Scenario.REPLACE_LEADER)).as("crash + a lease re-granted by a new etcd leader").isEqualTo(5500 + 2000 + 1000);
    assertThat(b.of(Scenario.ROLLING_REPLACE)).isEqualTo(2500);
    assertThat(b.of(Scenario.REPLACE_STANDBY)).isNull();
    assertThat(b.kubectlOutage(Scenario.REPLACE_STANDBY)).as("no failed kubectl call at all").isZero();
    assertThat(b.kubectlOutage(Scenario.REPLACE_LEADER_HARD)).isEqualTo(8500 + 1200);
  }

  @Test
  void shortSuiteIsTheCiSubset() {
    assertThat(Scenario.SHORT).extracting(Scenario::id)
        .containsExactly("leader-sigkill", "leader-sigterm", "apiserver-fail", "replace-leader", "etcd-quorum-loss",
            "action-error");
    ChaosSettings s = ChaosSettings.shortSuite(null, null, null);
    assertThat(s.trials()).isEqualTo(1);
    assertThat(s.keepalivedScenarios()).containsExactly(Scenario.LEADER_SIGKILL);
  }
}
