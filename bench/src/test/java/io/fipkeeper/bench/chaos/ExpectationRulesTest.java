package io.fipkeeper.bench.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The scenario rules of issues 8 and 9, each fed a recorded trial with the defect it targets (as the agent on main
 * shows it) and one without.
 */
class ExpectationRulesTest {
  private static final Instant T0 = Instant.parse("2026-12-01T12:00:00Z");
  private static final Map<Long, String> NODES = Map.of(1L, "cp-1", 2L, "cp-2", 3L, "cp-3");
  private static final Map<String, List<String>> CP1_HOLDS = Map.of("cp-1", List.of("203.0.113.10/32"),
      "cp-2", List.of(), "cp-3", List.of());
  private static final Map<String, List<String>> CP2_HOLDS = Map.of("cp-1", List.of(),
      "cp-2", List.of("203.0.113.10/32"), "cp-3", List.of());
  private final Checker checker = new Checker("203.0.113.10", Duration.ofMillis(50));
  private final ChaosSettings settings = new ChaosSettings(null, null, 1, List.of(), List.of(), 1000, 2,
      Duration.ofSeconds(8), Duration.ofSeconds(10), Duration.ofSeconds(10), 1, false, null, 1, Map.of(),
      Duration.ofSeconds(60), Duration.ofSeconds(10), Map.of());

  @Test
  void addressRemovedPassesARebindWithinThreeSecondsAndFailsAnAddressNeverRebound() {
    Trial rebound = trial(Scenario.ADDRESS_REMOVED).recovery(900.0, true).addresses(CP1_HOLDS, "cp-1", "cp-1");
    // main: the leader stays LEADING with fipkeeper_address_bound 1 and no address: never re-bound, a blackhole
    Trial never = trial(Scenario.ADDRESS_REMOVED).recovery(null, false)
        .addresses(Map.of("cp-1", List.of(), "cp-2", List.of(), "cp-3", List.of()), "cp-1", "cp-1");

    assertThat(check(rebound)).isEmpty();
    assertThat(check(never))
        .anySatisfy(v -> assertThat(v).startsWith("recovery: did not recover within the wait (bound 3000 ms)"))
        .anySatisfy(v -> assertThat(v).startsWith("blackhole: Hetzner routes the floating IP to cp-1"));
  }

  @Test
  void addressRemovedFailsARebindThatComesWithAFailover() {
    Trial failover = trial(Scenario.ADDRESS_REMOVED).recovery(2500.0, true).addresses(CP2_HOLDS, "cp-2", "cp-2")
        .log("cp-2", 1200, "state from=CAMPAIGNING to=ACQUIRING event=ElectionWon term=9")
        .assign(1300, 2, 201).route(2400, 2L);

    assertThat(check(failover))
        .anySatisfy(v -> assertThat(v).startsWith("leadership changed: cp-2 went ACQUIRING although cp-1 was to stay"))
        .anySatisfy(v -> assertThat(v).startsWith("assign: 1 assign call reached Hetzner, at most 0 allowed"))
        .anySatisfy(v -> assertThat(v).startsWith("moved: Hetzner routed the floating IP to cp-2"));
  }

  @Test
  void leaderCrashRestartFailsTheFullFailoverMainDoesAndPassesARestartInPlace() {
    Trial inPlace = trial(Scenario.LEADER_CRASH_RESTART).outage(0.0).addresses(CP1_HOLDS, "cp-1", "cp-1")
        .harness("cp-1", 100, "sigkill", NodeEvent.DOWN).harness("cp-1", 120, "start", "STANDBY")
        .log("cp-1", 1400, "state from=STANDBY to=LEADING event=Resumed term=3");
    // main: the restarted agent removes the address and revokes; cp-2 wins and assigns; ~3 s dark
    Trial failover = trial(Scenario.LEADER_CRASH_RESTART).outage(3400.0).addresses(CP2_HOLDS, "cp-2", "cp-2")
        .harness("cp-1", 100, "sigkill", NodeEvent.DOWN).harness("cp-1", 120, "start", "STANDBY")
        .log("cp-1", 1500, "removed stale address fip=203.0.113.10 interface=eth0")
        .log("cp-2", 2000, "state from=CAMPAIGNING to=ACQUIRING event=ElectionWon term=9")
        .assign(2100, 2, 201).route(3100, 2L);

    assertThat(check(inPlace)).isEmpty();
    assertThat(check(failover)).hasSize(3)
        .anySatisfy(v -> assertThat(v).startsWith("assign: 1 assign call reached Hetzner, at most 0 allowed"))
        .anySatisfy(v -> assertThat(v).startsWith("outage: the client got no answer for 3400 ms, at most 1000 ms allowed"))
        .anySatisfy(v -> assertThat(v).startsWith("moved: Hetzner routed the floating IP to cp-2"));
  }

  @Test
  void winnerCannotReachHetznerFailsAWinnerThatNeverGivesUp() {
    Trial stuck = trial(Scenario.WINNER_CANNOT_REACH_HETZNER).recovery(null, false).addresses(CP1_HOLDS, null, "cp-1")
        .harness("cp-1", 0, "sigkill", NodeEvent.DOWN)
        .log("cp-2", 2600, "state from=CAMPAIGNING to=ACQUIRING event=ElectionWon term=9");
    Trial handedOn = trial(Scenario.WINNER_CANNOT_REACH_HETZNER).recovery(14_100.0, true)
        .addresses(Map.of("cp-1", List.of(), "cp-2", List.of(), "cp-3", List.of("203.0.113.10/32")), "cp-3", "cp-3")
        .harness("cp-1", 0, "sigkill", NodeEvent.DOWN)
        .log("cp-2", 2600, "state from=CAMPAIGNING to=ACQUIRING event=ElectionWon term=9")
        .log("cp-2", 12_600, "state from=ACQUIRING to=STANDBY event=TakeoverTimedOut term=9")
        .log("cp-3", 12_900, "state from=CAMPAIGNING to=ACQUIRING event=ElectionWon term=10")
        .assign(13_000, 3, 201).route(14_000, 3L);

    assertThat(check(stuck)).anySatisfy(v -> assertThat(v).startsWith("recovery: did not recover within the wait (bound 15500 ms)"));
    assertThat(check(handedOn)).isEmpty();
  }

  @Test
  void etcdLeaderKillToleratesSuspendedButNotALostLeadership() {
    Trial survives = trial(Scenario.ETCD_LEADER_KILL).outage(0.0).addresses(CP1_HOLDS, "cp-1", "cp-1")
        .log("cp-1", 800, "state from=LEADING to=SUSPENDED event=KeepAliveError term=3")
        .log("cp-1", 1900, "state from=SUSPENDED to=LEADING event=KeepAliveOk term=3");
    // issue 9, seen in a randomized run: SUSPENDED, then CAMPAIGNING, another node takes over
    Trial lost = trial(Scenario.ETCD_LEADER_KILL).outage(2100.0).addresses(CP2_HOLDS, "cp-2", "cp-2")
        .log("cp-1", 800, "state from=LEADING to=SUSPENDED event=KeepAliveError term=3")
        .log("cp-1", 2500, "state from=SUSPENDED to=CAMPAIGNING event=LeaseGone term=3")
        .log("cp-2", 3000, "state from=CAMPAIGNING to=ACQUIRING event=ElectionWon term=9")
        .assign(3100, 2, 201).route(4100, 2L);

    assertThat(check(survives)).isEmpty();
    assertThat(check(lost))
        .anySatisfy(v -> assertThat(v).startsWith("leadership changed: cp-1 went CAMPAIGNING"))
        .anySatisfy(v -> assertThat(v).startsWith("leadership changed: cp-2 went ACQUIRING"))
        .anySatisfy(v -> assertThat(v).startsWith("assign: 1 assign call"))
        .anySatisfy(v -> assertThat(v).startsWith("outage: the client got no answer for 2100 ms, at most 0 ms allowed"));
  }

  @Test
  void theIpStaysOnANodeWhoseServerWasReplacedEarlierInTheRun() {
    // cp-1's server was replaced by an earlier trial: server 1 is gone, server 4 is cp-1 now
    Trial replaced = trial(Scenario.ETCD_LEADER_KILL).outage(0.0).addresses(CP1_HOLDS, "cp-1", "cp-1");
    replaced.assignments.set(0, new TrialRecord.Assignment(at(0), 4L));
    replaced.nodes = Map.of(1L, "cp-1", 2L, "cp-2", 3L, "cp-3", 4L, "cp-1");
    Trial moved = trial(Scenario.ETCD_LEADER_KILL).outage(0.0).addresses(CP1_HOLDS, "cp-1", "cp-1").route(3000, 2L);
    moved.assignments.set(0, new TrialRecord.Assignment(at(0), 4L));
    moved.nodes = replaced.nodes;

    assertThat(check(replaced)).isEmpty();
    assertThat(check(moved)).singleElement().asString().startsWith("moved: Hetzner routed the floating IP to cp-2");
  }

  @Test
  void etcdSlowAllowsAHandfulOfHetznerRequestsAndNoUncountedWindow() {
    Trial quiet = trial(Scenario.ETCD_SLOW).hcloudRequests(1L).addresses(CP1_HOLDS, "cp-1", "cp-1");
    Trial flapping = trial(Scenario.ETCD_SLOW).hcloudRequests(17L).addresses(CP1_HOLDS, "cp-1", "cp-1");
    Trial uncounted = trial(Scenario.ETCD_SLOW).addresses(CP1_HOLDS, "cp-1", "cp-1");

    assertThat(check(quiet)).isEmpty();
    assertThat(check(flapping)).singleElement().asString()
        .startsWith("hetzner: 17 API requests during the fault, at most 5 allowed");
    assertThat(check(uncounted)).containsExactly("hetzner: requests during the fault were not counted");
  }

  @Test
  void clockStepFailsASpuriousFailoverSeenByPollingTheSteppedAgent() {
    Trial stepped = trial(Scenario.CLOCK_STEP).addresses(CP1_HOLDS, "cp-1", "cp-1")
        .event(new NodeEvent(at(9000), "cp-1", NodeEvent.Kind.STATE, "STANDBY", "polled /status state=STANDBY bound=false"));
    Trial calm = trial(Scenario.CLOCK_STEP).addresses(CP1_HOLDS, "cp-1", "cp-1")
        .event(new NodeEvent(at(9000), "cp-1", NodeEvent.Kind.STATE, "LEADING", "polled /status state=LEADING bound=true"));

    assertThat(check(stepped)).singleElement().asString().startsWith("leadership changed: cp-1 went STANDBY");
    assertThat(check(calm)).isEmpty();
  }

  @Test
  void tokenRotatedFailsAnAgentThatKeepsTheOldTokenOrShowsAToken() {
    Trial reread = trial(Scenario.TOKEN_ROTATED).recovery(3100.0, true).revokedTokenRequests(0L)
        .addresses(CP2_HOLDS, "cp-2", "cp-2");
    // main: the token is read once at start; every request after the revocation is a 401, no failover
    Trial readOnce = trial(Scenario.TOKEN_ROTATED).recovery(null, false).revokedTokenRequests(12L)
        .addresses(CP1_HOLDS, null, "cp-1");
    Trial leaky = trial(Scenario.TOKEN_ROTATED).recovery(3100.0, true).revokedTokenRequests(0L)
        .addresses(CP2_HOLDS, "cp-2", "cp-2").leak("agent cp-2 log contains token #2 (value not shown)");

    assertThat(check(reread)).isEmpty();
    assertThat(check(readOnce))
        .anySatisfy(v -> assertThat(v).startsWith("token: 12 Hetzner requests carried the old token"))
        .anySatisfy(v -> assertThat(v).startsWith("recovery: did not recover"));
    assertThat(check(leaky)).containsExactly("token leak: agent cp-2 log contains token #2 (value not shown)");
  }

  @Test
  void tokenRevokedNeedsTheAlertAndFailsFlapping() {
    // each node tries once and sits out; the restore afterwards elects a leader, which is no flap
    Trial alerting = trial(Scenario.TOKEN_REVOKED).authFailures(3.0).addresses(CP1_HOLDS, "cp-1", "cp-1")
        .log("cp-2", 2600, "state from=CAMPAIGNING to=ACQUIRING event=ElectionWon term=9")
        .log("cp-3", 13_000, "state from=CAMPAIGNING to=ACQUIRING event=ElectionWon term=10")
        .faultEnd(15_600).log("cp-1", 17_000, "state from=CAMPAIGNING to=ACQUIRING event=ElectionWon term=11");
    Trial silent = trial(Scenario.TOKEN_REVOKED).addresses(CP1_HOLDS, "cp-1", "cp-1");
    Trial zero = trial(Scenario.TOKEN_REVOKED).authFailures(0.0).addresses(CP1_HOLDS, "cp-1", "cp-1");
    Trial flapping = trial(Scenario.TOKEN_REVOKED).authFailures(9.0).addresses(CP1_HOLDS, "cp-1", "cp-1");
    for (int i = 0; i < 5; i++) {
      flapping.log(i % 2 == 0 ? "cp-2" : "cp-3", 2600 + i * 1500L,
          "state from=CAMPAIGNING to=ACQUIRING event=ElectionWon term=" + (9 + i));
    }

    assertThat(check(alerting)).isEmpty();
    assertThat(check(silent)).singleElement().asString()
        .isEqualTo("alert: fipkeeper_hcloud_credentials_rejected is not exported by any agent although every Hetzner"
            + " request was refused 401");
    assertThat(check(zero)).singleElement().asString().startsWith("alert: fipkeeper_hcloud_credentials_rejected is 0");
    // window 10 s + 5.5 s: at most one new term per takeoverTimeout, plus the first
    assertThat(check(flapping)).singleElement().asString().startsWith("flapping: 5 new terms (ACQUIRING) during the trial, at most 2");
  }

  @Test
  void aStatusPollOfTheSameTermIsNoNewTerm() {
    // as recorded in a token-revoked trial: cp-3's /status was polled in the 16 ms its term lasted; two terms, not 3
    Trial polled = trial(Scenario.TOKEN_REVOKED).authFailures(2.0).addresses(CP1_HOLDS, "cp-1", "cp-1")
        .log("cp-3", 1150, "state from=CAMPAIGNING to=ACQUIRING event=ElectionWon term=2401")
        .event(new NodeEvent(at(1163), "cp-3", NodeEvent.Kind.STATE, "ACQUIRING", "polled /status state=ACQUIRING bound=true"))
        .log("cp-3", 1166, "state from=ACQUIRING to=STANDBY event=AssignFailed term=2401")
        .log("cp-2", 1180, "state from=CAMPAIGNING to=ACQUIRING event=ElectionWon term=2411")
        .log("cp-2", 1192, "state from=ACQUIRING to=STANDBY event=AssignFailed term=2411");
    Trial third = trial(Scenario.TOKEN_REVOKED).authFailures(2.0).addresses(CP1_HOLDS, "cp-1", "cp-1")
        .log("cp-3", 1150, "state from=CAMPAIGNING to=ACQUIRING event=ElectionWon term=2401")
        .log("cp-3", 1166, "state from=ACQUIRING to=STANDBY event=AssignFailed term=2401")
        .log("cp-2", 1180, "state from=CAMPAIGNING to=ACQUIRING event=ElectionWon term=2411")
        .log("cp-2", 1192, "state from=ACQUIRING to=STANDBY event=AssignFailed term=2411")
        .log("cp-3", 4000, "state from=CAMPAIGNING to=ACQUIRING event=ElectionWon term=2420");

    assertThat(check(polled)).isEmpty();
    assertThat(check(third)).singleElement().asString().startsWith("flapping: 3 new terms (ACQUIRING)");
  }

  @Test
  void aStatusPollStampedAfterTheLogLineThatLeftTheTermIsNoNewTermButAPollLongAfterIs() {
    // as recorded in a later token-revoked trial: the answer showing ACQUIRING was stamped 1 ms after the log line
    // that left it (the snapshot was taken before), so the rule saw STANDBY → ACQUIRING and counted a third term
    Trial late = trial(Scenario.TOKEN_REVOKED).authFailures(2.0).addresses(CP1_HOLDS, "cp-1", "cp-1")
        .log("cp-3", 1976, "state from=CAMPAIGNING to=ACQUIRING event=ElectionWon term=296")
        .log("cp-3", 1985, "state from=ACQUIRING to=STANDBY event=AssignFailed term=296")
        .event(new NodeEvent(at(1986), "cp-3", NodeEvent.Kind.STATE, "ACQUIRING", "polled /status state=ACQUIRING bound=true"))
        .log("cp-2", 1998, "state from=CAMPAIGNING to=ACQUIRING event=ElectionWon term=302")
        .log("cp-2", 2010, "state from=ACQUIRING to=STANDBY event=AssignFailed term=302");
    // a poll that sees a term before its log line is stamped: still one term
    Trial early = trial(Scenario.TOKEN_REVOKED).authFailures(2.0).addresses(CP1_HOLDS, "cp-1", "cp-1")
        .event(new NodeEvent(at(1975), "cp-3", NodeEvent.Kind.STATE, "ACQUIRING", "polled /status state=ACQUIRING bound=true"))
        .log("cp-3", 1976, "state from=CAMPAIGNING to=ACQUIRING event=ElectionWon term=296")
        .log("cp-3", 1985, "state from=ACQUIRING to=STANDBY event=AssignFailed term=296")
        .log("cp-2", 1998, "state from=CAMPAIGNING to=ACQUIRING event=ElectionWon term=302")
        .log("cp-2", 2010, "state from=ACQUIRING to=STANDBY event=AssignFailed term=302");
    // only a poll saw cp-3's second term, seconds later: it counts (the poll is the second witness)
    Trial polledOnly = trial(Scenario.TOKEN_REVOKED).authFailures(2.0).addresses(CP1_HOLDS, "cp-1", "cp-1")
        .log("cp-3", 1976, "state from=CAMPAIGNING to=ACQUIRING event=ElectionWon term=296")
        .log("cp-3", 1985, "state from=ACQUIRING to=STANDBY event=AssignFailed term=296")
        .log("cp-2", 1998, "state from=CAMPAIGNING to=ACQUIRING event=ElectionWon term=302")
        .log("cp-2", 2010, "state from=ACQUIRING to=STANDBY event=AssignFailed term=302")
        .event(new NodeEvent(at(4500), "cp-3", NodeEvent.Kind.STATE, "ACQUIRING", "polled /status state=ACQUIRING bound=true"));

    assertThat(check(late)).isEmpty();
    assertThat(check(early)).isEmpty();
    assertThat(check(polledOnly)).singleElement().asString().startsWith("flapping: 3 new terms (ACQUIRING)");
  }

  @Test
  void leaderPauseAcceptsTheHeldAssignLandingLateIfRepairedInTime() {
    // cp-2 sent its assign at 2.6 s and was frozen; cp-3 took over; cp-2's held assign landed at 9.6 s and
    // cp-3 put the IP back at 15.6 s (its re-read a request timeout after its takeover)
    SimCall held = new SimCall(at(9600), "POST", "/v1/floating_ips/1/actions/assign", 2L, 201, null, 7L, null)
        .heldSince(at(2600));
    Trial repaired = pause().call(held).assign(15_600, 3, 201).route(10_600, 2L).route(16_600, 3L);

    assertThat(check(repaired)).isEmpty();
  }

  @Test
  void leaderPauseFailsAStaleLandingLeftForAVerifyIntervalAndAnAssignSentAfterTheNewLeaders() {
    SimCall held = new SimCall(at(9600), "POST", "/v1/floating_ips/1/actions/assign", 2L, 201, null, 7L, null)
        .heldSince(at(2600));
    // main: the stale landing is noticed only at cp-3's next verify, 60 s later
    Trial leftStale = pause().call(held).route(10_600, 2L);
    leftStale.to = at(40_000);
    Trial resent = pause().call(held).assign(8000, 2, 201).route(10_600, 2L).route(12_000, 3L).assign(11_000, 3, 201);

    assertThat(check(leftStale)).singleElement().asString()
        .startsWith("stale landing: Hetzner routed the floating IP to the frozen cp-2 for 29400 ms (until the end of the"
            + " trial) after the new leader's assign, at most 12500 ms allowed");
    assertThat(check(resent)).anySatisfy(v -> assertThat(v)
        .startsWith("stale assign: cp-2 sent an assign at " + at(8000) + ", after the new leader's was accepted at " + at(5500)));
  }

  @Test
  void etcdQuorumLossLongFailsTheDarkMinuteOfAnUnbindOnATimer() {
    Trial dark = trial(Scenario.ETCD_QUORUM_LOSS_LONG).recovery(900.0, true).outage(55_100.0)
        .addresses(CP1_HOLDS, "cp-1", "cp-1");
    Trial lit = trial(Scenario.ETCD_QUORUM_LOSS_LONG).recovery(900.0, true).outage(0.0)
        .addresses(CP1_HOLDS, "cp-1", "cp-1");

    assertThat(check(dark)).singleElement().asString()
        .isEqualTo("outage: the client got no answer for 55100 ms, at most 0 ms allowed");
    assertThat(check(lit)).isEmpty();
  }

  @Test
  void sumsAMetricOverItsSeriesAndTellsAnAbsentOneApart() {
    String text = """
        # HELP fipkeeper_hcloud_credentials_rejected 1 while Hetzner's last verdict on the token was 401/403
        # TYPE fipkeeper_hcloud_credentials_rejected gauge
        fipkeeper_hcloud_credentials_rejected{floating_ip="203.0.113.10",node="cp-2"} 1.0
        fipkeeper_hcloud_credentials_rejected_other{node="cp-2"} 7.0
        fipkeeper_takeovers_given_up_total{reason="credentials",node="cp-2"} 2.0
        """;

    assertThat(AgentSignals.sum(text, "fipkeeper_hcloud_credentials_rejected")).contains(1.0);
    assertThat(AgentSignals.sum(text, "fipkeeper_takeovers_given_up_total")).contains(2.0);
    assertThat(AgentSignals.sum("fipkeeper_leader 1.0\n", "fipkeeper_hcloud_credentials_rejected")).isEmpty();
  }

  @Test
  void marksHeldCallsWithTheirArrivalByActionIdOrPath() throws Exception {
    List<SimCall> calls = List.of(
        new SimCall(at(5500), "POST", "/v1/floating_ips/1/actions/assign", 3L, 201, null, 6L, null),
        new SimCall(at(9600), "POST", "/v1/floating_ips/1/actions/assign", 2L, 201, null, 7L, null),
        new SimCall(at(9700), "POST", "/v1/floating_ips/1/actions/assign", 2L, 423, "locked", null, null));
    String holds = """
        {"holding":0,"held":[
          {"path":"/v1/floating_ips/1/actions/assign","arrivedAtMillis":%d,"releasedAtMillis":%d,"status":201,"actionId":7},
          {"path":"/v1/floating_ips/1/actions/assign","arrivedAtMillis":%d,"releasedAtMillis":%d,"status":423,"actionId":null}
        ]}""".formatted(at(2600).toEpochMilli(), at(9600).toEpochMilli(), at(2700).toEpochMilli(), at(9650).toEpochMilli());

    List<SimCall> marked = SimCall.withHolds(calls, new ObjectMapper().readTree(holds));

    assertThat(marked.get(0).sentAt()).isEqualTo(at(5500));
    assertThat(marked.get(1).sentAt()).isEqualTo(at(2600));
    assertThat(marked.get(2).sentAt()).isEqualTo(at(2700));
  }

  private Trial pause() {
    Trial t = trial(Scenario.LEADER_PAUSE).recovery(3500.0, true).paused("cp-2", at(2650))
        .addresses(Map.of("cp-1", List.of(), "cp-2", List.of(), "cp-3", List.of("203.0.113.10/32")), "cp-3", "cp-3")
        .harness("cp-1", 0, "sigkill", NodeEvent.DOWN)
        .log("cp-2", 2500, "state from=CAMPAIGNING to=ACQUIRING event=ElectionWon term=9")
        .harness("cp-2", 2650, "sigstop with its assign in flight", null)
        .log("cp-3", 5400, "state from=CAMPAIGNING to=ACQUIRING event=ElectionWon term=10")
        .assign(5500, 3, 201).route(6500, 3L)
        .harness("cp-2", 6650, "sigcont", null)
        .log("cp-2", 6700, "state from=ACQUIRING to=STANDBY event=LeaseGone term=9")
        .log("cp-3", 6600, "state from=ACQUIRING to=LEADING event=AssignDone term=10");
    t.to = at(25_000);
    return t;
  }

  private List<String> check(Trial t) {
    return checker.check(t.record(settings));
  }

  private static Trial trial(Scenario s) {
    return new Trial(s);
  }

  private static Instant at(long ms) {
    return T0.plusMillis(ms);
  }

  /** A recorded trial built step by step; the leader before the fault is cp-1 holding the IP. */
  private static final class Trial {
    final Scenario scenario;
    Instant to = at(20_000);
    final List<SimCall> calls = new ArrayList<>();
    final List<NodeEvent> events = new ArrayList<>();
    final List<TrialRecord.Assignment> assignments = new ArrayList<>(List.of(new TrialRecord.Assignment(at(0), 1L)));
    Map<String, List<String>> addresses = Map.of();
    String settledLeader;
    String assignedAfter;
    Double recoveryMs;
    boolean recovered = true;
    Double outageMs;
    Long hcloudRequests;
    Long revokedTokenRequests;
    Double authFailures;
    final List<String> leaks = new ArrayList<>();
    String pausedNode;
    Instant pausedAt;
    Instant faultEnd;
    Map<Long, String> nodes = NODES;

    Trial(Scenario scenario) {
      this.scenario = scenario;
      events.add(new NodeEvent(at(-60_000), "cp-1", NodeEvent.Kind.STATE, "LEADING",
          "state from=ACQUIRING to=LEADING event=AssignDone term=3"));
      for (String standby : List.of("cp-2", "cp-3")) {
        events.add(new NodeEvent(at(-60_000), standby, NodeEvent.Kind.STATE, "CAMPAIGNING",
            "state from=STANDBY to=CAMPAIGNING event=ApiserverHealth term=-"));
      }
    }

    Trial recovery(Double ms, boolean ok) {
      recoveryMs = ms;
      recovered = ok;
      return this;
    }

    Trial outage(double ms) {
      outageMs = ms;
      return this;
    }

    Trial hcloudRequests(long n) {
      hcloudRequests = n;
      return this;
    }

    Trial revokedTokenRequests(long n) {
      revokedTokenRequests = n;
      return this;
    }

    Trial authFailures(double v) {
      authFailures = v;
      return this;
    }

    Trial leak(String where) {
      leaks.add(where);
      return this;
    }

    Trial faultEnd(long ms) {
      faultEnd = at(ms);
      return this;
    }

    Trial paused(String node, Instant at) {
      pausedNode = node;
      pausedAt = at;
      return this;
    }

    Trial addresses(Map<String, List<String>> a, String leader, String assigned) {
      addresses = a;
      settledLeader = leader;
      assignedAfter = assigned;
      return this;
    }

    Trial log(String node, long ms, String message) {
      events.addAll(AgentLog.parse(node, List.of(at(ms) + " INFO  [fipkeeper-loop] io.fipkeeper.leader.LeaderLoop - "
          + message)));
      return this;
    }

    Trial harness(String node, long ms, String what, String state) {
      events.add(NodeEvent.harness(at(ms), node, what, state));
      return this;
    }

    Trial event(NodeEvent e) {
      events.add(e);
      return this;
    }

    Trial assign(long ms, long server, int status) {
      calls.add(new SimCall(at(ms), "POST", "/v1/floating_ips/1/actions/assign", server, status, null));
      return this;
    }

    Trial call(SimCall c) {
      calls.add(c);
      return this;
    }

    Trial route(long ms, Long server) {
      assignments.add(new TrialRecord.Assignment(at(ms), server));
      return this;
    }

    TrialRecord record(ChaosSettings s) {
      List<SimCall> sorted = calls.stream().sorted(java.util.Comparator.comparing(SimCall::at)).toList();
      return new TrialRecord("fipkeeper", scenario.id(), 1, at(0), to, sorted, events, nodes, assignments, addresses,
          settledLeader, assignedAfter, recoveryMs, s.bounds().of(scenario), recovered, List.of(),
          s.expectation(scenario), new Observations("cp-1", outageMs, hcloudRequests, revokedTokenRequests,
              authFailures, leaks, pausedNode, pausedAt, faultEnd));
    }
  }
}
