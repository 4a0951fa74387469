package io.fipkeeper.bench.chaos;

import io.fipkeeper.bench.AgentProcess;
import io.fipkeeper.bench.AgentStatus;
import io.fipkeeper.bench.Await;
import io.fipkeeper.bench.EtcdCluster;
import io.fipkeeper.bench.Network;
import io.fipkeeper.bench.Node;
import io.fipkeeper.bench.Prober;
import io.fipkeeper.bench.Testbed;
import io.fipkeeper.bench.TestbedException;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What every scenario's injection works with: the testbed, the probers, the settings and the timeline, plus the
 * moves they share (kill and start an agent and record it, wait for a takeover, read etcd's election order, count
 * Hetzner requests). One per chaos run; used from the trial thread only.
 */
final class TrialKit {
  static final Duration POLL = Duration.ofMillis(100);

  final Testbed bed;
  final Prober prober;
  /** Probes the node's own service on the floating IP (port {@link #SERVICE_PORT}); null when not started. */
  final Prober serviceProber;
  final ChaosSettings settings;
  final Timeline timeline;

  /**
   * The port of each node's plain service ({@link io.fipkeeper.bench.NodeServices}); 6443 is the TLS apiserver
   * stand-in's.
   */
  static final int SERVICE_PORT = 9443;

  TrialKit(Testbed bed, Prober prober, Prober serviceProber, ChaosSettings settings, Timeline timeline) {
    this.bed = bed;
    this.prober = prober;
    this.serviceProber = serviceProber;
    this.settings = settings;
    this.timeline = timeline;
  }

  /** Node name of every server id, deleted servers (replaced nodes) included. */
  Map<Long, String> nodeByServer() {
    return bed.sim().nodeNamesById();
  }

  Network network() {
    return bed.network().orElseThrow();
  }

  Node node(String name) {
    return bed.nodes().stream().filter(n -> n.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no node " + name));
  }

  AgentProcess agent(Node n) {
    return bed.agent(n.index());
  }

  void kill(AgentProcess agent) {
    timeline.record(agent.node().name(), "sigkill", NodeEvent.DOWN);
    agent.sigkill();
  }

  void start(AgentProcess agent) {
    timeline.record(agent.node().name(), "start", "STANDBY");
    agent.start();
  }

  boolean holdsAddress(Node n) {
    return network().addresses(n.index()).contains(Network.FLOATING_IP + "/32");
  }

  /** A generous wait for a scenario: twice its bound plus 5 s, or 25 s without a bound. */
  Duration waitFor(Scenario s) {
    return Duration.ofMillis(2 * Optional.ofNullable(settings.bounds().of(s)).orElse(10_000L) + 5000);
  }

  /**
   * Waits until the simulator routes the IP to another node whose agent has the address bound (assigned and bound:
   * traffic flows; the same end condition as for keepalived and in bench-failover); the time is from {@code t0} to
   * the poll that saw both.
   */
  FipkeeperTrials.Takeover awaitTakeover(Node old, long t0, Duration timeout) {
    return awaitHolder(t0, timeout, n -> !n.equals(old.name()));
  }

  /** Like {@link #awaitTakeover} but any node accepted by {@code which} may be the holder, the old one included. */
  FipkeeperTrials.Takeover awaitHolder(long t0, Duration timeout, java.util.function.Predicate<String> which) {
    long[] at = new long[1];
    boolean ok = Await.tryUntil(timeout, () -> {
      Optional<String> assigned = bed.assignedNode();
      if (assigned.isEmpty() || !which.test(assigned.get())) {
        return false;
      }
      boolean held = agent(node(assigned.get())).status().map(AgentStatus::bound).orElse(false);
      at[0] = System.nanoTime();
      return held;
    });
    return ok ? new FipkeeperTrials.Takeover((at[0] - t0) / 1e6, true, t0)
        : new FipkeeperTrials.Takeover(null, false, t0);
  }

  /** Keeps the trial going for {@code d} while watching every agent's state; adds what it saw to the notes. */
  void watch(Duration d, TrialNotes notes) {
    try (StatusWatch w = StatusWatch.start(bed.agents(), POLL)) {
      Await.tryUntil(d, () -> false);
      notes.polled.addAll(w.stop());
    }
  }

  /** Watches for {@code d}; any moment the IP is not on {@code leader} is a finding. */
  void watchIpStays(Node leader, Duration d, String what, List<String> findings) {
    java.time.Instant from = java.time.Instant.now();
    Await.tryUntil(d, () -> false);
    checkStayed(leader, from, java.time.Instant.now(), what, findings);
  }

  void checkStayed(Node leader, java.time.Instant from, java.time.Instant to, String what, List<String> findings) {
    long serverId = bed.sim().serverId(leader.name());
    for (TrialRecord.Assignment a : timeline.assignments(bed.route().orElseThrow(), from, to)) {
      if (a.server() == null || a.server() != serverId) {
        findings.add("moved: the floating IP went to " + (a.server() == null ? "no server" : nodeByServer().get(a.server()))
            + " at " + a.at() + " while " + what + " (it must stay on " + leader.name() + ")");
      }
    }
  }

  /** The election prefix every testbed agent campaigns under. */
  static String electionPrefix() {
    return io.fipkeeper.bench.AgentConfig.ETCD_PREFIX + "/" + Network.FLOATING_IP + "/election/";
  }

  /**
   * The candidates in etcd's election order (lowest create revision first: the leader, then the next winner), from
   * the first member that answers; asked again for up to 10 s while none does in time (a loaded machine, or a
   * member still catching up after the previous trial).
   */
  List<EtcdCluster.Kv> electionOrder() {
    EtcdCluster etcd = bed.etcd();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      TestbedException last = null;
      for (int i = 1; i <= etcd.size(); i++) {
        if (!etcd.isRunning(i)) {
          continue;
        }
        try {
          return etcd.range(i, electionPrefix()).stream()
              .sorted(Comparator.comparingLong(EtcdCluster.Kv::createRevision)).toList();
        } catch (TestbedException e) {
          last = e;
        }
      }
      if (System.nanoTime() - deadline > 0) {
        throw new TestbedException("cannot read the election keys from any etcd member"
            + (last == null ? "" : ": " + last.getMessage()));
      }
      java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
    }
  }

  /** The node that wins after {@code leader}: the next candidate in election order that is not the leader. */
  Node nextWinner(String leader) {
    List<EtcdCluster.Kv> order = electionOrder();
    return order.stream().map(kv -> candidate(kv.value())).filter(n -> n != null && !n.name().equals(leader))
        .findFirst().orElseThrow(() -> new TestbedException("no other candidate in the election: " + order));
  }

  /**
   * The node a campaign value names: the node name itself (the agent up to issue 8) or an identity that starts with
   * it, {@code <node>/<server id>/<instance>} (from issue 8 on); null when no node matches.
   */
  Node candidate(String value) {
    return bed.nodes().stream().filter(n -> value.equals(n.name()) || value.startsWith(n.name() + "/")).findFirst()
        .orElse(null);
  }

  /** Hetzner API requests the simulator has answered so far (the metadata service excluded). */
  long hcloudRequests() {
    var stats = bed.sim().stats();
    return stats.path("requests").asLong() - stats.path("byEndpoint").path("METADATA").asLong(0);
  }
}
