package io.fipkeeper.bench.chaos;

import io.fipkeeper.bench.AgentProcess;
import io.fipkeeper.bench.AgentStatus;
import io.fipkeeper.bench.Await;
import io.fipkeeper.bench.Node;
import io.fipkeeper.bench.Prober;
import io.fipkeeper.bench.Testbed;
import io.fipkeeper.bench.TestbedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The operator's own scenario: control-plane servers deleted and recreated the way ksail replaces them, with the
 * real kubectl outside checking the stable endpoint the whole time. A replacement is: the etcd member leaves
 * ({@code talosctl etcd leave}, as ksail's rolling recreate does; replace-leader-hard skips it, the member is
 * removed only when the new node joins), the server is deleted at the simulator (power-off, floating IP
 * unassigned), then a new server with the same name, a new address and a new id gets a new namespace, a new etcd
 * member and a fresh agent. Besides the {@link Checker}'s rules a trial checks that the new node joins as a clean
 * standby, that kubectl's outage stays within {@link Bounds#kubectlOutage}, and that the kubeconfig never changed.
 */
final class ReplaceTrials {
  private static final Duration JOIN = Duration.ofSeconds(90);
  private static final Duration KUBECTL_INTERVAL = Duration.ofMillis(200);
  private static final Duration CLEAN_STANDBY = Duration.ofSeconds(30);
  /** replace-leader-hard: how long the cluster runs with the dead member still listed (2 of 3 voting). */
  static final Duration DEAD_MEMBER_HOLD = Duration.ofSeconds(10);

  private final Testbed bed;
  private final Prober prober;
  /** Started with the first replacement trial: a kubectl run every 200 ms costs CPU on a 2-core machine. */
  private Prober kubectl;
  private final ChaosSettings settings;
  private final Checker checker;
  private final Timeline timeline;
  private final FipkeeperTrials base;

  ReplaceTrials(Testbed bed, Prober prober, ChaosSettings settings, Checker checker, Timeline timeline,
      FipkeeperTrials base) {
    this.bed = bed;
    this.prober = prober;
    this.settings = settings;
    this.checker = checker;
    this.timeline = timeline;
    this.base = base;
  }

  static boolean handles(Scenario s) {
    return s == Scenario.REPLACE_LEADER || s == Scenario.REPLACE_STANDBY || s == Scenario.ROLLING_REPLACE
        || s == Scenario.REPLACE_LEADER_HARD;
  }

  /** Trials of a scenario: a rolling replacement replaces every node, so it runs at most 3 times. */
  static int trials(Scenario s, int requested) {
    return s == Scenario.ROLLING_REPLACE ? Math.min(3, requested) : requested;
  }

  Measurement run(Scenario scenario, int trial) {
    String leader = base.settle();
    if (kubectl == null) {
      kubectl = bed.startKubectlProber(KUBECTL_INTERVAL);
    }
    // every trial starts with kubectl answering, so a failure in the trial is the trial's
    if (!Await.tryUntil(Duration.ofSeconds(30), () -> kubectl.last().map(Prober.Sample::ok).orElse(false))) {
      throw new TestbedException("kubectl gets no answer before the trial starts: "
          + kubectl.last().map(Prober.Sample::detail).orElse("no call finished"));
    }
    Instant from = Instant.now();
    long t0 = System.nanoTime();
    List<String> extra = new ArrayList<>();
    Set<Long> serversBefore = currentServers();
    Double recovery = null;
    boolean recovered = true;
    try {
      switch (scenario) {
        case REPLACE_LEADER, REPLACE_LEADER_HARD -> {
          recovery = replaceHolder(slot(leader), scenario == Scenario.REPLACE_LEADER_HARD, extra);
          recovered = recovery != null;
        }
        case REPLACE_STANDBY -> {
          Node standby = bed.nodes().stream().filter(n -> !n.name().equals(leader)).findFirst().orElseThrow();
          replaceStandby(standby.index(), leader, from, extra);
        }
        case ROLLING_REPLACE -> {
          recovery = rolling(extra);
          recovered = recovery != null || extra.stream().noneMatch(v -> v.startsWith("handover"));
          Set<Long> after = currentServers();
          after.retainAll(serversBefore);
          if (!after.isEmpty()) {
            extra.add("rolling: servers " + after + " existed before the rolling replacement and still run");
          }
        }
        default -> throw new IllegalStateException("not a replacement scenario: " + scenario);
      }
    } catch (TestbedException e) {
      extra.add("harness: " + e.getMessage().lines().findFirst().orElse(""));
      recovered = false;
      repairBrokenNodes(extra);
    }
    String settled;
    try {
      settled = base.settle();
    } catch (TestbedException e) {
      extra.add("settle: " + e.getMessage().lines().findFirst().orElse(""));
      settled = null;
    }
    long end = System.nanoTime();
    for (Node n : bed.nodes()) {
      if (!io.fipkeeper.bench.Netns.exists(n.namespace())) {
        extra.add("testbed: the namespace " + n.namespace() + " of " + n.name() + " (" + n.address() + ") is gone");
      }
    }
    KubectlView view = kubectlView(scenario, trial, t0, end, extra);
    Double outage = io.fipkeeper.bench.chaos.Outage.within(prober.samples(), t0, end);
    Map<String, List<String>> addresses = new HashMap<>();
    for (Node n : bed.nodes()) {
      try {
        addresses.put(n.name(), bed.network().orElseThrow().addresses(n.index()));
      } catch (TestbedException e) {
        addresses.put(n.name(), List.of());
      }
    }
    Instant to = Instant.now();
    List<NodeEvent> events = new ArrayList<>(timeline.harnessEvents());
    bed.agents().forEach(a -> events.addAll(AgentLog.read(a.node().name(), a.log())));
    Long bound = settings.bounds().of(scenario);
    TrialRecord record = new TrialRecord(FipkeeperTrials.TOOL, scenario.id(), trial, from, to,
        SimCall.fromHistory(bed.sim().history()), events, bed.sim().nodeNamesById(),
        timeline.assignments(bed.route().orElseThrow(), from, to), addresses, settled,
        bed.assignedNode().orElse(null), recovery, bound, recovered, extra);
    List<String> violations = checker.check(record);
    return new Measurement(FipkeeperTrials.TOOL, scenario.id(), trial, settings.actionMs(), recovery, outage,
        violations.isEmpty(), violations, view.calls(), view.failures(), view.outageMs(), (end - t0) / 1e6);
  }

  /** Deletes and recreates the holder's node; returns the takeover time from the first fault, or null. */
  private Double replaceHolder(int i, boolean hard, List<String> extra) {
    String name = bed.node(i).name();
    long oldServer = bed.sim().serverId(name);
    if (!hard) {
      leaveEtcd(i);
    }
    // recovery counts from the deletion, when Hetzner stops routing the IP; kubectl's view covers the whole trial
    long deletedAt = System.nanoTime();
    deleteServer(i);
    Duration wait = Duration.ofMillis(2 * settings.bounds().of(Scenario.REPLACE_LEADER) + 5000);
    Optional<Long> at = awaitTakeover(oldServer, wait);
    if (at.isEmpty()) {
      extra.add("recovery: nobody took the floating IP over after " + name + "'s server was deleted");
      recreate(i, extra);
      return null;
    }
    double recovery = (at.get() - deletedAt) / 1e6;
    String holder = bed.assignedNode().orElse("?");
    long holderServer = bed.sim().serverId(holder);
    // the router follows the simulator by one poll: watch the holder from when its route is in place
    Await.tryUntil(Duration.ofSeconds(2),
        () -> bed.route().orElseThrow().routedServer().map(r -> r == holderServer).orElse(false));
    Instant holdFrom = Instant.now();
    if (hard) {
      timeline.record(name, "dead etcd member still listed for " + DEAD_MEMBER_HOLD.toSeconds() + " s", null);
      Await.tryUntil(DEAD_MEMBER_HOLD, () -> false);
    }
    recreate(i, extra);
    stayed(holderServer, holder, holdFrom, Instant.now(),
        hard ? "the dead etcd member was removed and the new one added" : "the replacement node joined", extra);
    return recovery;
  }

  private void replaceStandby(int i, String leader, Instant from, List<String> extra) {
    long leaderServer = bed.sim().serverId(leader);
    leaveEtcd(i);
    deleteServer(i);
    recreate(i, extra);
    stayed(leaderServer, leader, from, Instant.now(), "a standby was replaced", extra);
  }

  /**
   * Replaces the nodes in slot order (as ksail rolls them), each drained first; returns the longest handover of
   * a holder that was drained, or null when no drained node held the IP (or a handover failed).
   */
  private Double rolling(List<String> extra) {
    Double longest = null;
    for (Node n : bed.nodes()) {
      int i = n.index();
      String holder = bed.assignedNode().orElse(null);
      long t = System.nanoTime();
      long oldServer = bed.sim().serverId(n.name());
      timeline.record(n.name(), "drain (sigterm)", null);
      AgentProcess agent = bed.agent(i);
      agent.sigterm();
      if (n.name().equals(holder)) {
        Optional<Long> at = awaitTakeover(oldServer, Duration.ofMillis(2 * settings.bounds().of(Scenario.ROLLING_REPLACE) + 5000));
        if (at.isEmpty()) {
          extra.add("handover: nobody took the floating IP over from drained " + n.name());
        } else {
          double ms = (at.get() - t) / 1e6;
          longest = longest == null ? ms : Math.max(longest, ms);
        }
      }
      if (agent.waitExit(Duration.ofSeconds(20)).isEmpty()) {
        extra.add("drain: " + n.name() + "'s agent still running 20 s after SIGTERM");
      }
      timeline.record(n.name(), "agent exited", NodeEvent.DOWN);
      leaveEtcd(i);
      deleteServer(i);
      recreate(i, extra);
      base.settle();
    }
    return longest;
  }

  /** Recreates every node a failed trial left half-replaced, so the next trial starts from three whole nodes. */
  private void repairBrokenNodes(List<String> extra) {
    for (Node n : bed.nodes()) {
      try {
        if (!bed.intact(n.index())) {
          timeline.record(n.name(), "repair after a failed replacement", null);
          bed.repair(n.index(), JOIN);
          timeline.record(n.name(), "start", "STANDBY");
        }
      } catch (TestbedException e) {
        extra.add("repair: " + n.name() + ": " + e.getMessage().lines().findFirst().orElse(""));
      }
    }
  }

  /** {@code talosctl etcd leave} / ksail's cleanup before deleting a live node: the member removes itself. */
  private void leaveEtcd(int i) {
    timeline.record(bed.node(i).name(), "etcd member removed (leave)", null);
    if (!bed.etcd().removeMember(i)) {
      throw new TestbedException("etcd member of " + bed.node(i).name() + " was not listed");
    }
  }

  private void deleteServer(int i) {
    timeline.record(bed.node(i).name(), "server deleted", NodeEvent.DOWN);
    bed.destroy(i);
  }

  /** Creates the new server and node, and checks that its fresh agent joins as a clean standby. */
  private void recreate(int i, List<String> extra) {
    String name = bed.node(i).name();
    timeline.record(name, "server recreated", null);
    Node fresh = bed.replace(i, JOIN);
    timeline.record(name, "start", "STANDBY");
    boolean clean = Await.tryUntil(CLEAN_STANDBY, () -> bed.agent(i).status()
        .map(s -> "CAMPAIGNING".equals(s.state()) && !s.bound()
            && Long.toString(bed.sim().serverId(name)).equals(s.serverId())).orElse(false));
    if (!clean) {
      extra.add("join: the new " + name + " (" + fresh.address() + ", server " + bed.sim().serverId(name)
          + ") is not a clean standby within " + CLEAN_STANDBY.toSeconds() + " s: "
          + bed.agent(i).status().map(Object::toString).orElse("no status"));
    }
  }

  /**
   * Waits until the simulator has the IP on a server other than {@code oldServer} and that node's agent has it
   * bound; returns the System.nanoTime of the poll that saw it.
   */
  private Optional<Long> awaitTakeover(long oldServer, Duration timeout) {
    long[] at = new long[1];
    boolean ok = Await.tryUntil(timeout, () -> {
      Optional<Long> assigned = bed.sim().assignedServer(bed.floatingIpId());
      if (assigned.isEmpty() || assigned.get() == oldServer) {
        return false;
      }
      Optional<String> node = bed.sim().serverName(assigned.get());
      boolean held = node.flatMap(this::agentOf).flatMap(AgentProcess::status).map(AgentStatus::bound).orElse(false);
      at[0] = System.nanoTime();
      return held;
    });
    return ok ? Optional.of(at[0]) : Optional.empty();
  }

  /** The IP must have stayed on {@code server} over [from, to]. */
  private void stayed(long server, String holder, Instant from, Instant to, String what, List<String> extra) {
    for (TrialRecord.Assignment a : timeline.assignments(bed.route().orElseThrow(), from, to)) {
      if (a.server() == null || a.server() != server) {
        extra.add("moved: the floating IP went to " + (a.server() == null ? "no server"
            : bed.sim().serverName(a.server()).orElse("#" + a.server())) + " at " + a.at() + " while " + what
            + " (it must stay on " + holder + ")");
      }
    }
  }

  /** kubectl's calls in [t0, end]: counts, outage, its bound, and every failure written to the work dir. */
  private KubectlView kubectlView(Scenario scenario, int trial, long t0, long end, List<String> extra) {
    List<Prober.Sample> samples = kubectl.samples().stream().filter(s -> s.nanos() >= t0 && s.nanos() <= end).toList();
    List<Prober.Sample> failed = samples.stream().filter(s -> !s.ok()).toList();
    Double outage = io.fipkeeper.bench.chaos.Outage.within(kubectl.samples(), t0, end);
    long bound = settings.bounds().kubectlOutage(scenario);
    if (samples.isEmpty()) {
      extra.add("kubectl: no call finished during the trial");
    } else if (bound == 0 && !failed.isEmpty()) {
      extra.add("kubectl: " + failed.size() + " of " + samples.size() + " calls failed while a standby was replaced"
          + " (must be 0); first: " + failed.get(0).detail());
    } else if (bound > 0 && outage != null && outage > bound) {
      extra.add(String.format(Locale.ROOT, "kubectl: no answer for %.0f ms, bound %d ms", outage, bound));
    }
    Optional<Prober.Sample> last = kubectl.last();
    if (last.isPresent() && !last.get().ok()) {
      extra.add("kubectl: the last call with the original kubeconfig failed: " + last.get().detail());
    }
    if (!bed.kubeconfig().orElseThrow().unchanged()) {
      extra.add("kubectl: the kubeconfig changed during the trial");
    }
    writeFailures(scenario, trial, t0, failed);
    return new KubectlView(samples.size(), failed.size(), outage);
  }

  private void writeFailures(Scenario scenario, int trial, long t0, List<Prober.Sample> failed) {
    Path file = bed.workDir().resolve("kubectl-" + scenario.id() + "-" + trial + ".log");
    StringBuilder b = new StringBuilder("# kubectl get --raw /readyz failures, ms after the first fault\n");
    for (Prober.Sample s : failed) {
      b.append(String.format(Locale.ROOT, "%+.0f %s%n", (s.nanos() - t0) / 1e6, s.detail()));
    }
    try {
      Files.writeString(file, b.toString());
    } catch (IOException e) {
      throw new TestbedException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private Set<Long> currentServers() {
    Set<Long> ids = new HashSet<>();
    bed.nodes().forEach(n -> ids.add(bed.sim().serverId(n.name())));
    return ids;
  }

  private Optional<AgentProcess> agentOf(String name) {
    return bed.agents().stream().filter(a -> a.node().name().equals(name)).findFirst();
  }

  private int slot(String name) {
    return bed.nodes().stream().filter(n -> n.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no node " + name)).index();
  }

  /** kubectl's view of one trial. */
  private record KubectlView(int calls, int failures, Double outageMs) {}
}
