package io.fipkeeper.bench.chaos;

import io.fipkeeper.bench.AgentProcess;
import io.fipkeeper.bench.AgentStatus;
import io.fipkeeper.bench.Await;
import io.fipkeeper.bench.Node;
import io.fipkeeper.bench.TestbedException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs fipkeeper's scenarios on a namespace testbed with agents. Every trial starts from a settled single
 * leader with clean standbys, applies its fault at a recorded instant, waits for the takeover (or watches that
 * none happens), restores the testbed, settles again and hands everything recorded to the {@link Checker}. The
 * scenarios of issues 8 and 9 are injected by {@link AgentFaults}, {@link EtcdFaults} and {@link HcloudFaults}.
 */
final class FipkeeperTrials {
  private static final Duration SETTLE = Duration.ofSeconds(60);
  /**
   * How long the standbys may take to campaign again: long enough for a node that sat out after its token was
   * rejected (it retries after 30 s, 1 min, then every 2 min) once the token works again.
   */
  private static final Duration CLEAN_STANDBY = Duration.ofSeconds(150);
  private static final Duration WATCH_NO_FAILOVER = Duration.ofSeconds(5);
  static final String TOOL = "fipkeeper";

  private final TrialKit kit;
  private final Checker checker;
  private final AgentFaults agentFaults;
  private final EtcdFaults etcdFaults;
  private final HcloudFaults hcloudFaults;

  FipkeeperTrials(TrialKit kit, Checker checker) {
    this.kit = kit;
    this.checker = checker;
    this.agentFaults = new AgentFaults(kit);
    this.etcdFaults = new EtcdFaults(kit);
    this.hcloudFaults = new HcloudFaults(kit);
  }

  /** Brings everything back (processes, network, faults) and waits for one leader and clean standbys. */
  String settle() {
    return settleAndCheck(new ArrayList<>());
  }

  /** {@link #settle()}; standbys that are not clean when the wait ends are noted in {@code findings}. */
  private String settleAndCheck(List<String> findings) {
    restore();
    String leader = kit.bed.awaitSettledLeader(n -> true, SETTLE);
    boolean clean = Await.tryUntil(CLEAN_STANDBY, () -> kit.bed.agents().stream()
        .filter(a -> !a.node().name().equals(leader))
        .allMatch(a -> a.status().map(s -> "CAMPAIGNING".equals(s.state()) && !s.bound()).orElse(false)
            && !kit.holdsAddress(a.node())));
    if (!clean) {
      kit.bed.agents().stream().filter(a -> !a.node().name().equals(leader)).forEach(a -> findings.add(
          "settle: standby " + a.node().name() + " not clean " + CLEAN_STANDBY.toSeconds() + " s after the leader settled: "
              + a.status().map(s -> s.state() + " bound=" + s.bound()).orElse("no status")
              + (kit.holdsAddress(a.node()) ? ", address bound" : "")));
    }
    return leader;
  }

  Measurement run(Scenario scenario, int trial) {
    TrialNotes notes = new TrialNotes();
    List<String> before = new ArrayList<>();
    String leader = settleAndCheck(before);
    // a trial that starts without clean standbys cannot test what it is meant to
    before.forEach(f -> notes.findings.add("harness: before the fault: " + f));
    Node ln = kit.node(leader);
    Instant from = Instant.now();
    Takeover result;
    long t0 = System.nanoTime();
    try {
      result = inject(scenario, ln, t0, notes);
    } catch (TestbedException e) {
      notes.findings.add("harness: " + e.getMessage().lines().findFirst().orElse(""));
      result = new Takeover(null, false);
    }
    if (notes.faultEnd == null) { // a scenario that ends its fault itself (token-revoked's fix) said when
      notes.faultEnd = Instant.now();
    }
    String settled;
    try {
      settled = settleAndCheck(notes.findings);
    } catch (TestbedException e) {
      notes.findings.add("settle: " + e.getMessage().lines().findFirst().orElse(""));
      settled = null;
    }
    if (scenario == Scenario.LEADER_RESTART || scenario == Scenario.LEADER_SIGTERM) {
      AgentProcess restarted = kit.agent(ln);
      Optional<AgentStatus> st = restarted.status();
      if (!leader.equals(settled) && st.map(s -> !"CAMPAIGNING".equals(s.state()) || s.bound()).orElse(true)) {
        notes.findings.add("restart: " + leader + " is not a clean standby after its restart: "
            + st.map(Object::toString).orElse("no status"));
      }
    }
    Double outage = outage(scenario, t0, result, notes.findings);
    if (scenario == Scenario.ETCD_MEMBER_KILL) {
      // the IP must stay for the whole trial, including the restart of the killed member
      kit.checkStayed(ln, from, Instant.now(), "one etcd member was killed and restarted", notes.findings);
    }
    Map<String, List<String>> addresses = new HashMap<>();
    kit.bed.nodes().forEach(n -> addresses.put(n.name(), kit.network().addresses(n.index())));
    String assignedAfter = kit.bed.assignedNode().orElse(null);
    Instant to = Instant.now();
    List<SimCall> calls = SimCall.fromHistory(kit.bed.sim().history());
    if (notes.heldRequests) {
      calls = SimCall.withHolds(calls, kit.bed.sim().holds());
    }
    TrialRecord record = new TrialRecord(TOOL, scenario.id(), trial, from, to, calls, events(notes, from, to),
        kit.nodeByServer(), kit.timeline.assignments(kit.bed.route().orElseThrow(), from, to), addresses, settled,
        assignedAfter, result.recoveryMs(), kit.settings.bounds().of(scenario), result.recovered(), notes.findings,
        kit.settings.expectation(scenario), observations(leader, outage, notes));
    List<String> violations = checker.check(record);
    notes.repairs.forEach(Runnable::run);
    return new Measurement(TOOL, scenario.id(), trial, kit.settings.actionMs(), result.recoveryMs(),
        notes.serviceOutageMs != null ? notes.serviceOutageMs : outage, violations.isEmpty(), violations,
        notes.floorMs, notes.hcloudRequests);
  }

  private Observations observations(String leader, Double outage, TrialNotes notes) {
    return new Observations(leader, notes.serviceOutageMs != null ? notes.serviceOutageMs : outage,
        notes.hcloudRequests, notes.revokedTokenRequests, notes.authFailures, notes.tokenLeaks, notes.pausedNode,
        notes.pausedAt, notes.faultEnd);
  }

  /**
   * Harness events, polled states and every agent's log events; a node whose wall clock was stepped keeps only the
   * log lines far outside the trial (its earlier trials, on the true clock): inside it the polled states speak.
   */
  private List<NodeEvent> events(TrialNotes notes, Instant from, Instant to) {
    List<NodeEvent> events = new ArrayList<>(kit.timeline.harnessEvents());
    events.addAll(notes.polled);
    Duration skew = Duration.ofSeconds(AgentFaults.CLOCK_STEP_SECONDS + 5);
    for (AgentProcess a : kit.bed.agents()) {
      String name = a.node().name();
      for (NodeEvent e : AgentLog.read(name, a.log())) {
        boolean untrusted = notes.skewedLogs.contains(name) && e.at().isAfter(from.minus(skew))
            && e.at().isBefore(to.plus(skew));
        if (!untrusted) {
          events.add(e);
        }
      }
    }
    return events;
  }

  private Takeover inject(Scenario scenario, Node leader, long t0, TrialNotes notes) {
    AgentProcess agent = kit.agent(leader);
    Duration wait = kit.waitFor(scenario);
    switch (scenario) {
      case LEADER_SIGKILL -> kit.kill(agent);
      case LEADER_SIGTERM, LEADER_RESTART -> {
        kit.timeline.record(leader.name(), "sigterm", null);
        agent.sigterm();
        Takeover t = kit.awaitTakeover(leader, t0, wait);
        if (agent.waitExit(Duration.ofSeconds(20)).isEmpty()) {
          notes.findings.add("sigterm: " + leader.name() + " still running 20 s after SIGTERM");
        }
        kit.timeline.record(leader.name(), "exited", NodeEvent.DOWN);
        if (scenario == Scenario.LEADER_RESTART) {
          kit.start(agent);
        }
        return t;
      }
      case LEADER_PARTITION -> {
        return etcdFaults.partition(leader, wait, notes);
      }
      case APISERVER_FAIL -> {
        kit.timeline.record(leader.name(), "apiserver unhealthy", null);
        kit.bed.apiserver(leader.index()).healthy(false);
        Takeover t = kit.awaitTakeover(leader, t0, wait);
        kit.bed.apiserver(leader.index()).healthy(true);
        return t;
      }
      case ETCD_MEMBER_KILL -> {
        kit.timeline.record(leader.name(), "etcd member sigkill", null);
        kit.bed.etcd().kill(leader.index());
        kit.watchIpStays(leader, WATCH_NO_FAILOVER, "etcd member of " + leader.name() + " killed", notes.findings);
        return new Takeover(null, true);
      }
      case ETCD_QUORUM_LOSS -> {
        return etcdFaults.quorumLoss(leader, kit.settings.quorumLoss(), notes);
      }
      case ETCD_QUORUM_LOSS_LONG -> {
        return etcdFaults.quorumLoss(leader, kit.settings.longFault(), notes);
      }
      case HCLOUD_429_STORM, HCLOUD_503 -> {
        String fault = scenario == Scenario.HCLOUD_429_STORM ? "RATE_LIMITED_429" : "UNAVAILABLE_503";
        kit.bed.sim().fault("{\"fault\":\"" + fault + "\",\"endpoint\":\"ANY\",\"durationMs\":"
            + kit.settings.storm().toMillis() + "}");
        kit.kill(agent);
      }
      case SLOW_ACTION -> {
        kit.bed.sim().fault("{\"fault\":\"SLOW_ACTION\",\"endpoint\":\"ASSIGN\",\"count\":1,\"actionDurationMs\":"
            + Bounds.SLOW_ACTION_MS + "}");
        kit.kill(agent);
      }
      case ACTION_ERROR -> {
        kit.bed.sim().fault("{\"fault\":\"ACTION_ERROR\",\"endpoint\":\"ASSIGN\",\"count\":1}");
        kit.kill(agent);
      }
      case ADDRESS_REMOVED -> {
        return agentFaults.addressRemoved(leader, wait, notes);
      }
      case LEADER_CRASH_RESTART -> {
        return agentFaults.crashRestart(leader, t0, wait, notes);
      }
      case LEADER_PAUSE -> {
        return agentFaults.pause(leader, wait, notes);
      }
      case CLOCK_STEP -> {
        return agentFaults.clockStep(leader, notes);
      }
      case ETCD_LEADER_KILL -> {
        return etcdFaults.raftLeaderKill(leader, notes);
      }
      case ETCD_SLOW -> {
        return etcdFaults.slow(leader, notes);
      }
      case WINNER_CANNOT_REACH_HETZNER -> {
        return hcloudFaults.winnerCannotReach(leader, wait, notes);
      }
      case TOKEN_ROTATED -> {
        return hcloudFaults.tokenRotated(leader, wait, notes);
      }
      case TOKEN_REVOKED -> {
        return hcloudFaults.tokenRevoked(leader, wait, notes);
      }
      default -> throw new IllegalStateException("no injection for " + scenario);
    }
    return kit.awaitTakeover(leader, t0, wait);
  }

  /**
   * The client outage of the fault itself: up to one second after the takeover for failover scenarios (the rest
   * of the trial, the restore, must cost nothing and is reported separately), the whole trial otherwise. In
   * leader-pause a stale assign lands after the takeover by design and darkens the endpoint until it is repaired
   * (bounded by its own rule), so there the whole trial counts and nothing is reported separately.
   */
  private Double outage(Scenario scenario, long t0, Takeover result, List<String> extra) {
    long now = System.nanoTime();
    if (!scenario.expectsFailover() || result.recoveryMs() == null || scenario == Scenario.LEADER_PAUSE) {
      return Outage.within(kit.prober.samples(), t0, now);
    }
    // the recovery is measured from the fault itself, which some injections apply a while after t0
    long split = (result.fromNanos() != 0 ? result.fromNanos() : t0) + (long) (result.recoveryMs() * 1e6)
        + 1_000_000_000L;
    Double after = Outage.within(kit.prober.samples(), split, now);
    if (after != null && after > 0) {
      extra.add(Outage.afterTakeover(after, kit.prober.last().map(l -> !l.ok()).orElse(false)));
    }
    return Outage.within(kit.prober.samples(), t0, Math.min(split, now));
  }

  /** Undoes every fault any scenario may have left: faults and holds, cables, API cuts, freezes, clocks, processes. */
  private void restore() {
    kit.bed.sim().clearFaults();
    kit.bed.sim().actionDuration(Duration.ofMillis(kit.settings.actionMs()));
    hcloudFaults.restore();
    for (Node n : kit.bed.nodes()) {
      Isolation.rejoin(kit.network(), n.index());
      kit.network().restoreApi(n.index());
      kit.bed.apiserver(n.index()).healthy(true);
      kit.agent(n).resume();
      kit.agent(n).clock().ifPresent(c -> c.step(0));
    }
    boolean etcdDown = false;
    for (int i = 1; i <= kit.bed.etcd().size(); i++) {
      kit.bed.etcd().resume(i);
      if (!kit.bed.etcd().isRunning(i)) {
        kit.bed.etcd().start(i);
        etcdDown = true;
      }
    }
    if (etcdDown) {
      kit.bed.etcd().waitHealthy(Duration.ofSeconds(30));
    }
    for (AgentProcess a : kit.bed.agents()) {
      if (!a.isAlive()) {
        kit.start(a);
        a.waitServing(Duration.ofSeconds(60));
      }
    }
  }

  /**
   * A takeover's time from the fault, or not recovered; {@code fromNanos} is when the fault was applied (the
   * {@code System.nanoTime()} the recovery counts from, 0 when it is the trial's start).
   */
  record Takeover(Double recoveryMs, boolean recovered, long fromNanos) {
    Takeover(Double recoveryMs, boolean recovered) {
      this(recoveryMs, recovered, 0);
    }
  }
}
