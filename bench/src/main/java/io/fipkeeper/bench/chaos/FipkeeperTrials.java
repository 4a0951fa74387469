package io.fipkeeper.bench.chaos;

import io.fipkeeper.bench.AgentProcess;
import io.fipkeeper.bench.AgentStatus;
import io.fipkeeper.bench.Await;
import io.fipkeeper.bench.Network;
import io.fipkeeper.bench.Node;
import io.fipkeeper.bench.Prober;
import io.fipkeeper.bench.Testbed;
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
 * none happens), restores the testbed, settles again and hands everything recorded to the {@link Checker}.
 */
final class FipkeeperTrials {
  private static final Duration SETTLE = Duration.ofSeconds(60);
  private static final Duration CLEAN_STANDBY = Duration.ofSeconds(15);
  private static final Duration WATCH_NO_FAILOVER = Duration.ofSeconds(5);
  static final String TOOL = "fipkeeper";

  private final Testbed bed;
  private final Prober prober;
  private final ChaosSettings settings;
  private final Checker checker;
  private final Timeline timeline;

  FipkeeperTrials(Testbed bed, Prober prober, ChaosSettings settings, Checker checker, Timeline timeline) {
    this.bed = bed;
    this.prober = prober;
    this.settings = settings;
    this.checker = checker;
    this.timeline = timeline;
  }

  /** Node name of every server id, deleted servers (replaced nodes) included. */
  private Map<Long, String> nodeByServer() {
    return bed.sim().nodeNamesById();
  }

  /** Brings everything back (processes, network, faults) and waits for one leader and clean standbys. */
  String settle() {
    restore();
    String leader = bed.awaitSettledLeader(n -> true, SETTLE);
    Await.tryUntil(CLEAN_STANDBY, () -> bed.agents().stream()
        .filter(a -> !a.node().name().equals(leader))
        .allMatch(a -> a.status().map(s -> "CAMPAIGNING".equals(s.state()) && !s.bound()).orElse(false)
            && !holdsAddress(a.node())));
    return leader;
  }

  Measurement run(Scenario scenario, int trial) {
    String leader = settle();
    Node ln = node(leader);
    Instant from = Instant.now();
    List<String> extra = new ArrayList<>();
    Takeover result;
    long t0 = System.nanoTime();
    try {
      result = inject(scenario, ln, t0, extra);
    } catch (TestbedException e) {
      extra.add("harness: " + e.getMessage().lines().findFirst().orElse(""));
      result = new Takeover(null, false);
    }
    String settled;
    try {
      settled = settle();
    } catch (TestbedException e) {
      extra.add("settle: " + e.getMessage().lines().findFirst().orElse(""));
      settled = null;
    }
    if (scenario == Scenario.LEADER_RESTART || scenario == Scenario.LEADER_SIGTERM) {
      AgentProcess restarted = bed.agent(ln.index());
      Optional<AgentStatus> st = restarted.status();
      if (!leader.equals(settled) && st.map(s -> !"CAMPAIGNING".equals(s.state()) || s.bound()).orElse(true)) {
        extra.add("restart: " + leader + " is not a clean standby after its restart: " + st.map(Object::toString).orElse("no status"));
      }
    }
    Double outage = outage(scenario, t0, result, extra);
    if (scenario == Scenario.ETCD_MEMBER_KILL) {
      // the IP must stay for the whole trial, including the restart of the killed member
      checkStayed(ln, from, Instant.now(), "one etcd member was killed and restarted", extra);
    }
    Map<String, List<String>> addresses = new HashMap<>();
    bed.nodes().forEach(n -> addresses.put(n.name(), bed.network().orElseThrow().addresses(n.index())));
    String assignedAfter = bed.assignedNode().orElse(null);
    Instant to = Instant.now();
    List<NodeEvent> events = new ArrayList<>(timeline.harnessEvents());
    bed.agents().forEach(a -> events.addAll(AgentLog.read(a.node().name(), a.log())));
    Long bound = scenario.expectsFailover() || scenario == Scenario.ETCD_QUORUM_LOSS ? settings.bounds().of(scenario) : null;
    TrialRecord record = new TrialRecord(TOOL, scenario.id(), trial, from, to, SimCall.fromHistory(bed.sim().history()),
        events, nodeByServer(), timeline.assignments(bed.route().orElseThrow(), from, to), addresses, settled,
        assignedAfter, result.recoveryMs(), bound, result.recovered(), extra);
    List<String> violations = checker.check(record);
    return new Measurement(TOOL, scenario.id(), trial, settings.actionMs(), result.recoveryMs(), outage,
        violations.isEmpty(), violations);
  }

  private Takeover inject(Scenario scenario, Node leader, long t0, List<String> extra) {
    AgentProcess agent = bed.agent(leader.index());
    Duration wait = Duration.ofMillis(2 * Optional.ofNullable(settings.bounds().of(scenario)).orElse(10_000L) + 5000);
    switch (scenario) {
      case LEADER_SIGKILL -> kill(agent);
      case LEADER_SIGTERM, LEADER_RESTART -> {
        timeline.record(leader.name(), "sigterm", null);
        agent.sigterm();
        Takeover t = awaitTakeover(leader, t0, wait);
        if (agent.waitExit(Duration.ofSeconds(20)).isEmpty()) {
          extra.add("sigterm: " + leader.name() + " still running 20 s after SIGTERM");
        }
        timeline.record(leader.name(), "exited", NodeEvent.DOWN);
        if (scenario == Scenario.LEADER_RESTART) {
          start(agent);
        }
        return t;
      }
      case LEADER_PARTITION -> {
        timeline.record(leader.name(), "partition", null);
        Isolation.isolate(bed.network().orElseThrow(), leader.index());
        Takeover t = awaitTakeover(leader, t0, wait);
        timeline.record(leader.name(), "heal", null);
        Isolation.rejoin(bed.network().orElseThrow(), leader.index());
        return t;
      }
      case APISERVER_FAIL -> {
        timeline.record(leader.name(), "apiserver unhealthy", null);
        bed.apiserver(leader.index()).healthy(false);
        Takeover t = awaitTakeover(leader, t0, wait);
        bed.apiserver(leader.index()).healthy(true);
        return t;
      }
      case ETCD_MEMBER_KILL -> {
        timeline.record(leader.name(), "etcd member sigkill", null);
        bed.etcd().kill(leader.index());
        watchIpStays(leader, WATCH_NO_FAILOVER, "etcd member of " + leader.name() + " killed", extra);
        return new Takeover(null, true);
      }
      case ETCD_QUORUM_LOSS -> {
        List<Integer> stopped = bed.etcd().loseQuorum();
        stopped.forEach(i -> timeline.record(bed.node(i).name(), "etcd member stopped", null));
        watchIpStays(leader, settings.quorumLoss(), "etcd without quorum", extra);
        bed.etcd().restoreQuorum(Duration.ofSeconds(30));
        long restored = System.nanoTime();
        bed.awaitSettledLeader(n -> true, SETTLE);
        return new Takeover((System.nanoTime() - restored) / 1e6, true);
      }
      case HCLOUD_429_STORM, HCLOUD_503 -> {
        String fault = scenario == Scenario.HCLOUD_429_STORM ? "RATE_LIMITED_429" : "UNAVAILABLE_503";
        bed.sim().fault("{\"fault\":\"" + fault + "\",\"endpoint\":\"ANY\",\"durationMs\":" + settings.storm().toMillis() + "}");
        kill(agent);
      }
      case SLOW_ACTION -> {
        bed.sim().fault("{\"fault\":\"SLOW_ACTION\",\"endpoint\":\"ASSIGN\",\"count\":1,\"actionDurationMs\":"
            + Bounds.SLOW_ACTION_MS + "}");
        kill(agent);
      }
      case ACTION_ERROR -> {
        bed.sim().fault("{\"fault\":\"ACTION_ERROR\",\"endpoint\":\"ASSIGN\",\"count\":1}");
        kill(agent);
      }
      default -> throw new IllegalStateException("no injection for " + scenario);
    }
    return awaitTakeover(leader, t0, wait);
  }

  /**
   * The client outage of the fault itself: up to one second after the takeover for failover scenarios (the rest
   * of the trial, the restore, must cost nothing and is reported separately), the whole trial otherwise.
   */
  private Double outage(Scenario scenario, long t0, Takeover result, List<String> extra) {
    long now = System.nanoTime();
    if (!scenario.expectsFailover() || result.recoveryMs() == null) {
      return Outage.within(prober.samples(), t0, now);
    }
    long split = t0 + (long) (result.recoveryMs() * 1e6) + 1_000_000_000L;
    Double after = Outage.within(prober.samples(), split, now);
    if (after != null && after > 0) {
      extra.add(Outage.afterTakeover(after, prober.last().map(l -> !l.ok()).orElse(false)));
    }
    return Outage.within(prober.samples(), t0, Math.min(split, now));
  }

  private void kill(AgentProcess agent) {
    timeline.record(agent.node().name(), "sigkill", NodeEvent.DOWN);
    agent.sigkill();
  }

  private void start(AgentProcess agent) {
    timeline.record(agent.node().name(), "start", "STANDBY");
    agent.start();
  }

  /**
   * Waits until the simulator routes the IP to another node whose agent has the address bound (assigned and bound:
   * traffic flows; the same end condition as for keepalived and in bench-failover); the time is from {@code t0} to
   * the poll that saw both.
   */
  private Takeover awaitTakeover(Node old, long t0, Duration timeout) {
    long[] at = new long[1];
    boolean ok = Await.tryUntil(timeout, () -> {
      Optional<String> assigned = bed.assignedNode();
      if (assigned.isEmpty() || assigned.get().equals(old.name())) {
        return false;
      }
      boolean held = bed.agent(node(assigned.get()).index()).status().map(AgentStatus::bound).orElse(false);
      at[0] = System.nanoTime();
      return held;
    });
    return ok ? new Takeover((at[0] - t0) / 1e6, true) : new Takeover(null, false);
  }

  /** Watches for {@code d}; any moment the IP is not on {@code leader} is a violation. */
  private void watchIpStays(Node leader, Duration d, String what, List<String> extra) {
    Instant from = Instant.now();
    Await.tryUntil(d, () -> false);
    checkStayed(leader, from, Instant.now(), what, extra);
  }

  private void checkStayed(Node leader, Instant from, Instant to, String what, List<String> extra) {
    long serverId = bed.sim().serverId(leader.name());
    for (TrialRecord.Assignment a : timeline.assignments(bed.route().orElseThrow(), from, to)) {
      if (a.server() == null || a.server() != serverId) {
        extra.add("moved: the floating IP went to " + (a.server() == null ? "no server" : nodeByServer().get(a.server()))
            + " at " + a.at() + " while " + what + " (it must stay on " + leader.name() + ")");
      }
    }
  }

  private void restore() {
    bed.sim().clearFaults();
    bed.sim().actionDuration(Duration.ofMillis(settings.actionMs()));
    for (Node n : bed.nodes()) {
      Isolation.rejoin(bed.network().orElseThrow(), n.index());
      bed.apiserver(n.index()).healthy(true);
    }
    boolean etcdDown = false;
    for (int i = 1; i <= bed.etcd().size(); i++) {
      if (!bed.etcd().isRunning(i)) {
        bed.etcd().start(i);
        etcdDown = true;
      }
    }
    if (etcdDown) {
      bed.etcd().waitHealthy(Duration.ofSeconds(30));
    }
    for (AgentProcess a : bed.agents()) {
      if (!a.isAlive()) {
        start(a);
        a.waitServing(Duration.ofSeconds(60));
      }
    }
  }

  private boolean holdsAddress(Node n) {
    return bed.network().orElseThrow().addresses(n.index()).contains(Network.FLOATING_IP + "/32");
  }

  private Node node(String name) {
    return bed.nodes().stream().filter(n -> n.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no node " + name));
  }

  /** A takeover's time from the fault, or not recovered. */
  record Takeover(Double recoveryMs, boolean recovered) {}
}
