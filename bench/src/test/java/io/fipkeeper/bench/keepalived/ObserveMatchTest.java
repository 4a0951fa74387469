package io.fipkeeper.bench.keepalived;

import static org.assertj.core.api.Assertions.assertThat;

import io.fipkeeper.bench.chaos.AgentLog;
import io.fipkeeper.bench.chaos.NodeEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The observe-mode comparison rule on hand-made timelines: cp-1 was both keepalived's MASTER and the observers'
 * would-be holder and crashed at 10:00:00; keepalived's assign to cp-2 landed at 10:00:03.7; lease TTL 2 s.
 */
class ObserveMatchTest {
  private static final Instant CRASH = Instant.parse("2026-01-01T10:00:00Z");
  private static final Instant ASSIGN = CRASH.plusMillis(3700);
  private static final Duration TTL = Duration.ofSeconds(2);
  private static final Instant WATCH_END = ASSIGN.plus(TTL).plusSeconds(5);

  private final List<NodeEvent> events = new ArrayList<>();

  ObserveMatchTest() {
    state(-60_000, "cp-1", "STANDBY", "CAMPAIGNING");
    state(-59_000, "cp-1", "CAMPAIGNING", "ACQUIRING");
    state(-59_000, "cp-1", "ACQUIRING", "LEADING");
    state(-50_000, "cp-2", "STANDBY", "CAMPAIGNING");
    state(-40_000, "cp-3", "STANDBY", "CAMPAIGNING");
    events.add(NodeEvent.harness(CRASH, "cp-1", "node crash", NodeEvent.DOWN));
  }

  /** A LeaderLoop state line of {@code node}, {@code ms} after the crash, parsed as the suite parses agent logs. */
  private void state(long ms, String node, String from, String to) {
    String line = CRASH.plusMillis(ms) + " INFO  [fipkeeper-loop-" + node + "] i.f.l.r.LeaderLoop - state from="
        + from + " to=" + to + " event=ElectionWon term=7";
    events.addAll(AgentLog.parse(node, List.of(line)));
  }

  private ObserveMatch match() {
    return new ObserveMatch(events, "cp-1", "cp-2", ASSIGN, TTL, false, WATCH_END);
  }

  @Test
  void theNextNodeInBothOrdersWouldHoldBeforeKeepalivedsAssignAndKeepsItMatches() {
    state(2000, "cp-2", "CAMPAIGNING", "ACQUIRING");
    state(2010, "cp-2", "ACQUIRING", "LEADING");

    assertThat(match().violations()).isEmpty();
    assertThat(match().leadMs()).as("fipkeeper 1.69 s ahead").isEqualTo(1690);
    assertThat(match().wouldHoldSince()).isEqualTo(CRASH.plusMillis(2010));
    assertThat(match().sameNode()).isTrue();
  }

  @Test
  void anElectionSlowerThanKeepalivedStillMatchesWithinOneLeaseTtl() {
    state(5200, "cp-2", "ACQUIRING", "LEADING");

    assertThat(match().violations()).isEmpty();
    assertThat(match().leadMs()).isEqualTo(-1500);
  }

  @Test
  void oneLeaseTtlAfterTheAssignWithoutAWouldBeHolderIsAViolation() {
    state(5800, "cp-2", "ACQUIRING", "LEADING");

    assertThat(match().violations()).singleElement().asString()
        .contains("+2000 ms from keepalived's assign to cp-2").contains("on no node, not on cp-2 alone");
  }

  private ObserveMatch afterEtcdLeaderDied() {
    return new ObserveMatch(events, "cp-1", "cp-2", ASSIGN, TTL, true, WATCH_END.plusSeconds(3));
  }

  /** etcd's new leader re-grants the dead observer's lease its TTL plus the election timeout: more slack. */
  @Test
  void whenTheCrashedNodesEtcdMemberLedEtcdTheSlackGrowsByOneTtlAndTheElectionTimeout() {
    state(8600, "cp-2", "ACQUIRING", "LEADING");

    assertThat(afterEtcdLeaderDied().slack()).isEqualTo(Duration.ofSeconds(5));
    assertThat(afterEtcdLeaderDied().violations()).isEmpty();
    assertThat(match().violations()).as("the same timeline without etcd's leader dying").hasSize(1);
  }

  /**
   * etcd's election cost the surviving candidates their leases and they queued again in another order: any one
   * surviving node will do then, and the trial says it was not keepalived's.
   */
  @Test
  void whenEtcdsLeaderDiedAnyOneSurvivingNodeMatchesButTheCrashedOneOrTwoDoNot() {
    state(3000, "cp-2", "CAMPAIGNING", "STANDBY");
    state(3050, "cp-2", "STANDBY", "CAMPAIGNING");
    state(6600, "cp-3", "ACQUIRING", "LEADING");

    assertThat(afterEtcdLeaderDied().violations()).isEmpty();
    assertThat(afterEtcdLeaderDied().finalHolder()).isEqualTo("cp-3");
    assertThat(afterEtcdLeaderDied().sameNode()).isFalse();

    state(7000, "cp-2", "ACQUIRING", "LEADING");
    assertThat(afterEtcdLeaderDied().violations()).singleElement().asString()
        .contains("on [cp-2, cp-3], not on one node other than cp-1");
  }

  @Test
  void whenEtcdsLeaderDiedTheCrashedNodeStillCountsAgainstTheRuleIfItWasNotDown() {
    events.removeIf(e -> e.kind() == NodeEvent.Kind.HARNESS);

    assertThat(afterEtcdLeaderDied().violations()).singleElement().asString().contains("on [cp-1]");
  }

  @Test
  void aWouldBeHolderOnAnotherNodeThanKeepalivedsMasterIsAViolation() {
    state(2010, "cp-3", "ACQUIRING", "LEADING");

    assertThat(match().violations()).singleElement().asString().contains("on [cp-3], not on cp-2 alone");
    assertThat(match().sameNode()).isFalse();
  }

  @Test
  void movingAwayDuringTheWatchIsAViolationToo() {
    state(2010, "cp-2", "ACQUIRING", "LEADING");
    state(8000, "cp-2", "LEADING", "SUSPENDED");
    state(9000, "cp-3", "ACQUIRING", "LEADING");

    assertThat(match().violations()).singleElement().asString().contains("at " + CRASH.plusMillis(8000));
  }

  @Test
  void anOldHolderThatIsNotDownCountsAsASecondWouldBeHolder() {
    events.removeIf(e -> e.kind() == NodeEvent.Kind.HARNESS);
    state(2010, "cp-2", "ACQUIRING", "LEADING");

    assertThat(match().violations()).singleElement().asString().contains("on [cp-1, cp-2]");
  }

  @Test
  void changesAfterTheWatchDoNotCount() {
    state(2010, "cp-2", "ACQUIRING", "LEADING");
    state(WATCH_END.toEpochMilli() - CRASH.toEpochMilli() + 1, "cp-2", "LEADING", "STEPPING_DOWN");

    assertThat(match().violations()).isEmpty();
  }
}
