package io.fipkeeper.bench.keepalived;

import io.fipkeeper.bench.Await;
import io.fipkeeper.bench.HttpJson;
import io.fipkeeper.bench.Network;
import io.fipkeeper.bench.Node;
import io.fipkeeper.bench.Prober;
import io.fipkeeper.bench.Testbed;
import io.fipkeeper.bench.TestbedException;
import io.fipkeeper.bench.chaos.AgentLog;
import io.fipkeeper.bench.chaos.ChaosSettings;
import io.fipkeeper.bench.chaos.Checker;
import io.fipkeeper.bench.chaos.Isolation;
import io.fipkeeper.bench.chaos.Outage;
import io.fipkeeper.bench.chaos.Measurement;
import io.fipkeeper.bench.chaos.NodeEvent;
import io.fipkeeper.bench.chaos.Scenario;
import io.fipkeeper.bench.chaos.SimCall;
import io.fipkeeper.bench.chaos.Timeline;
import io.fipkeeper.bench.chaos.TrialRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * keepalived's side of the comparison on a namespace testbed without agents: keepalived on every node (node 1
 * preferred), the crash / graceful / partition scenarios measured like fipkeeper's (fault until the simulator
 * routes the IP to another node and that node has it bound), then the fault is undone (process restarted,
 * cable plugged back), the testbed is left to settle on its own and the {@link Checker} looks at it. What it
 * finds is reported as keepalived's findings; afterwards every keepalived is restarted from clean.
 */
public final class KeepalivedTrials implements AutoCloseable {
  public static final String TOOL = "keepalived";
  private static final String TOKEN = "testbed-token";
  private static final int HTTP_PORT = 9847;
  private static final Duration SETTLE = Duration.ofSeconds(40);
  private static final Duration QUIET = Duration.ofSeconds(4);
  private static final Duration QUIET_MAX = Duration.ofSeconds(25);

  private final Testbed bed;
  private final Network network;
  private final Prober prober;
  private final ChaosSettings settings;
  private final Checker checker;
  private final Timeline timeline;
  private final List<KeepalivedNode> nodes = new ArrayList<>();
  private final Map<Long, String> nodeByServer = new HashMap<>();

  public KeepalivedTrials(Testbed bed, Prober prober, ChaosSettings settings, Checker checker, Timeline timeline) {
    if (!Files.isExecutable(KeepalivedNode.KEEPALIVED)) {
      throw new TestbedException(KeepalivedNode.KEEPALIVED + " is missing: apt-get install keepalived");
    }
    this.bed = bed;
    this.network = bed.network().orElseThrow(() -> new TestbedException("keepalived needs the namespace testbed"));
    this.prober = prober;
    this.settings = settings;
    this.checker = checker;
    this.timeline = timeline;
    Path tokenFile = bed.workDir().resolve("hcloud-token");
    try {
      Files.writeString(tokenFile, TOKEN);
      Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException e) {
      throw new TestbedException("cannot write " + tokenFile + ": " + e.getMessage(), e);
    }
    String assignUrl = bed.sim().apiUrl() + "/floating_ips/" + bed.floatingIpId() + "/actions/assign";
    for (Node n : bed.nodes()) {
      long server = bed.sim().serverId(n.name());
      nodeByServer.put(server, n.name());
      Path dir = bed.workDir().resolve("keepalived-" + n.name());
      List<String> peers = bed.nodes().stream().filter(p -> p != n).map(Node::address).toList();
      String script = dir.resolve("notify.sh").toString();
      KeepalivedConfig config = new KeepalivedConfig(n.name(), n.address(), peers, n.index() == 1 ? 200 : 200 - 50 * n.index(),
          settings.advertInt(), Network.FLOATING_IP, script);
      nodes.add(new KeepalivedNode(n, network.node(n.index()), dir, config,
          KeepalivedConfig.notifyScript(n.name(), dir.resolve("notify.log").toString(), tokenFile.toString(), assignUrl, server)));
    }
    nodes.forEach(this::start);
    warmUpResponders();
  }

  /**
   * A cold responder JVM takes a few hundred ms for its first answer, which would count as keepalived's outage
   * the first time a node takes over; the harness asks each one once before any trial.
   */
  private void warmUpResponders() {
    HttpJson http = new HttpJson();
    for (KeepalivedNode k : nodes) {
      String url = "http://" + k.node().address() + ":" + HTTP_PORT + "/status";
      Await.until("responder on " + k.node().name() + " answering " + url, Duration.ofSeconds(30),
          () -> {
            try {
              return http.get(url).status() == 200;
            } catch (TestbedException e) {
              return false; // not listening yet
            }
          });
    }
  }

  public static String token() {
    return TOKEN;
  }

  public Measurement run(Scenario scenario, int trial) {
    String leader = reset();
    KeepalivedNode victim = node(leader);
    int li = victim.node().index();
    Instant from = Instant.now();
    List<String> extra = new ArrayList<>();
    long t0 = System.nanoTime();
    Double recovery = null;
    switch (scenario) {
      case LEADER_SIGKILL -> {
        // the node's service dies with it, as fipkeeper's own endpoint dies with a killed agent
        timeline.record(leader, "sigkill keepalived and responder", NodeEvent.DOWN);
        victim.sigkill();
        victim.killResponder();
        recovery = awaitTakeover(leader, t0);
        start(victim);
      }
      case LEADER_SIGTERM -> {
        timeline.record(leader, "sigterm keepalived", null);
        victim.sigterm();
        recovery = awaitTakeover(leader, t0);
        victim.waitExit(Duration.ofSeconds(10));
        timeline.record(leader, "exited", NodeEvent.DOWN);
        start(victim);
      }
      case LEADER_PARTITION -> {
        timeline.record(leader, "partition", null);
        Isolation.isolate(network, li);
        recovery = awaitTakeover(leader, t0);
        timeline.record(leader, "heal", null);
        Isolation.rejoin(network, li);
      }
      default -> throw new IllegalArgumentException("keepalived has no " + scenario.id() + " scenario");
    }
    awaitQuiet();
    Map<String, List<String>> addresses = new HashMap<>();
    nodes.forEach(k -> addresses.put(k.node().name(), network.addresses(k.node().index())));
    List<NodeEvent> events = new ArrayList<>(timeline.harnessEvents());
    nodes.forEach(k -> events.addAll(AgentLog.read(k.node().name(), k.notifyLog())));
    Instant to = Instant.now();
    Double outage = outage(t0, recovery, extra);
    TrialRecord record = new TrialRecord(TOOL, scenario.id(), trial, from, to, SimCall.fromHistory(bed.sim().history()),
        events, nodeByServer, timeline.assignments(bed.route().orElseThrow(), from, to), addresses,
        masterNow(events), bed.assignedNode().orElse(null), recovery, null, recovery != null, extra);
    List<String> violations = new ArrayList<>(checker.check(record));
    if (recovery == null) {
      violations.add("recovery: no other node had the IP assigned and bound within " + SETTLE.toSeconds() + " s");
    }
    return new Measurement(TOOL, scenario.id(), trial, settings.actionMs(), recovery, outage, violations.isEmpty(),
        violations);
  }

  /** Outage until a second after the takeover; a later one (the restore) is reported as a finding. */
  private Double outage(long t0, Double recovery, List<String> extra) {
    long now = System.nanoTime();
    if (recovery == null) {
      return Outage.within(prober.samples(), t0, now);
    }
    long split = t0 + (long) (recovery * 1e6) + 1_000_000_000L;
    Double after = Outage.within(prober.samples(), split, now);
    if (after != null && after > 0) {
      extra.add(Outage.afterTakeover(after, prober.last().map(l -> !l.ok()).orElse(false)));
    }
    return Outage.within(prober.samples(), t0, Math.min(split, now));
  }

  /** Stops every keepalived, removes leftover addresses, starts them again and waits for one settled master. */
  private String reset() {
    nodes.forEach(KeepalivedNode::stop);
    for (KeepalivedNode k : nodes) {
      Isolation.rejoin(network, k.node().index());
      if (holds(k)) {
        network.node(k.node().index()).ip("addr", "del", Network.FLOATING_IP + "/32", "dev", "eth0");
      }
    }
    nodes.forEach(this::start);
    String[] master = new String[1];
    Await.until("keepalived settled on one master with the floating IP assigned and bound", SETTLE, () -> {
      Optional<String> assigned = bed.assignedNode();
      List<KeepalivedNode> holders = nodes.stream().filter(this::holds).toList();
      if (assigned.isPresent() && holders.size() == 1 && holders.get(0).node().name().equals(assigned.get())) {
        master[0] = assigned.get();
        return true;
      }
      return false;
    });
    return master[0];
  }

  /** Waits until another node has the IP assigned at Hetzner and bound; ms since {@code t0}, or null. */
  private Double awaitTakeover(String old, long t0) {
    long[] at = new long[1];
    boolean ok = Await.tryUntil(SETTLE, () -> {
      Optional<String> assigned = bed.assignedNode();
      if (assigned.isEmpty() || assigned.get().equals(old)) {
        return false;
      }
      boolean bound = holds(node(assigned.get()));
      at[0] = System.nanoTime();
      return bound;
    });
    return ok ? (at[0] - t0) / 1e6 : null;
  }

  /** Waits until who holds the address and where Hetzner routes the IP stop changing for a few seconds. */
  private void awaitQuiet() {
    String[] last = {""};
    long[] since = {System.nanoTime()};
    Await.tryUntil(QUIET_MAX, () -> {
      String now = bed.assignedNode().orElse("-") + nodes.stream().filter(this::holds).map(k -> k.node().name()).toList();
      if (!now.equals(last[0])) {
        last[0] = now;
        since[0] = System.nanoTime();
      }
      return System.nanoTime() - since[0] >= QUIET.toNanos();
    });
  }

  /** The one node whose notify log last said MASTER (mapped to LEADING), or null. */
  private String masterNow(List<NodeEvent> events) {
    Instant now = Instant.now();
    List<String> masters = new ArrayList<>();
    for (KeepalivedNode k : nodes) {
      String state = "STANDBY";
      for (NodeEvent e : events.stream().sorted(java.util.Comparator.comparing(NodeEvent::at)).toList()) {
        if (e.node().equals(k.node().name()) && e.state() != null && !e.at().isAfter(now)) {
          state = e.state();
        }
      }
      if ("LEADING".equals(state) && k.isAlive()) {
        masters.add(k.node().name());
      }
    }
    return masters.size() == 1 ? masters.get(0) : null;
  }

  private boolean holds(KeepalivedNode k) {
    return network.addresses(k.node().index()).contains(Network.FLOATING_IP + "/32");
  }

  private void start(KeepalivedNode k) {
    timeline.record(k.node().name(), "start keepalived", "STANDBY");
    k.start(javaCommand(), System.getProperty("java.class.path"), HTTP_PORT);
  }

  private KeepalivedNode node(String name) {
    return nodes.stream().filter(k -> k.node().name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no node " + name));
  }

  private static String javaCommand() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  @Override
  public void close() {
    nodes.parallelStream().forEach(KeepalivedNode::close);
  }
}
