package io.fipkeeper.bench.keepalived;

import io.fipkeeper.bench.Await;
import io.fipkeeper.bench.Network;
import io.fipkeeper.bench.Prober;
import io.fipkeeper.bench.Testbed;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * keepalived's side of the comparison on a namespace testbed without agents: keepalived on every node (node 1
 * preferred), the crash / graceful / partition scenarios measured like fipkeeper's (fault until the simulator
 * routes the IP to another node and that node has it bound), then the fault is undone (process restarted,
 * cable plugged back), the testbed is left to settle on its own and the {@link Checker} looks at it. What it
 * finds is reported as keepalived's findings; afterwards every keepalived is restarted from clean.
 */
public final class KeepalivedTrials implements AutoCloseable {
  public static final String TOOL = "keepalived";
  private static final Duration QUIET = Duration.ofSeconds(4);
  private static final Duration QUIET_MAX = Duration.ofSeconds(25);

  private final Testbed bed;
  private final Network network;
  private final Prober prober;
  private final ChaosSettings settings;
  private final Checker checker;
  private final Timeline timeline;
  private final KeepalivedFleet fleet;

  public KeepalivedTrials(Testbed bed, Prober prober, ChaosSettings settings, Checker checker, Timeline timeline) {
    this.fleet = new KeepalivedFleet(bed, settings.advertInt(), timeline);
    this.bed = bed;
    this.network = bed.network().orElseThrow();
    this.prober = prober;
    this.settings = settings;
    this.checker = checker;
    this.timeline = timeline;
    fleet.startAll();
  }

  public static String token() {
    return KeepalivedFleet.TOKEN;
  }

  public Measurement run(Scenario scenario, int trial) {
    String leader = fleet.reset();
    KeepalivedNode victim = fleet.node(leader);
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
        recovery = fleet.awaitTakeover(leader, t0);
        fleet.start(victim);
      }
      case LEADER_SIGTERM -> {
        timeline.record(leader, "sigterm keepalived", null);
        victim.sigterm();
        recovery = fleet.awaitTakeover(leader, t0);
        victim.waitExit(Duration.ofSeconds(10));
        timeline.record(leader, "exited", NodeEvent.DOWN);
        fleet.start(victim);
      }
      case LEADER_PARTITION -> {
        timeline.record(leader, "partition", null);
        Isolation.isolate(network, li);
        recovery = fleet.awaitTakeover(leader, t0);
        timeline.record(leader, "heal", null);
        Isolation.rejoin(network, li);
      }
      default -> throw new IllegalArgumentException("keepalived has no " + scenario.id() + " scenario");
    }
    awaitQuiet();
    Map<String, List<String>> addresses = new HashMap<>();
    fleet.nodes().forEach(k -> addresses.put(k.node().name(), network.addresses(k.node().index())));
    List<NodeEvent> events = new ArrayList<>(timeline.harnessEvents());
    fleet.nodes().forEach(k -> events.addAll(AgentLog.read(k.node().name(), k.notifyLog())));
    Instant to = Instant.now();
    Double outage = outage(t0, recovery, extra);
    TrialRecord record = new TrialRecord(TOOL, scenario.id(), trial, from, to, SimCall.fromHistory(bed.sim().history()),
        events, fleet.nodeByServer(), timeline.assignments(bed.route().orElseThrow(), from, to), addresses,
        masterNow(events), bed.assignedNode().orElse(null), recovery, null, recovery != null, extra);
    List<String> violations = new ArrayList<>(checker.check(record));
    if (recovery == null) {
      violations.add("recovery: no other node had the IP assigned and bound within "
          + KeepalivedFleet.SETTLE.toSeconds() + " s");
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

  /** Waits until who holds the address and where Hetzner routes the IP stop changing for a few seconds. */
  private void awaitQuiet() {
    String[] last = {""};
    long[] since = {System.nanoTime()};
    Await.tryUntil(QUIET_MAX, () -> {
      String now = bed.assignedNode().orElse("-")
          + fleet.nodes().stream().filter(fleet::holds).map(k -> k.node().name()).toList();
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
    for (KeepalivedNode k : fleet.nodes()) {
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

  @Override
  public void close() {
    fleet.close();
  }
}
