package io.fipkeeper.bench.chaos;

import io.fipkeeper.bench.AgentProcess;
import io.fipkeeper.bench.AgentStatus;
import io.fipkeeper.bench.Await;
import io.fipkeeper.bench.FakeClock;
import io.fipkeeper.bench.Network;
import io.fipkeeper.bench.Node;
import io.fipkeeper.bench.TestbedException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Faults of the leader's agent and node: its address removed behind its back, a crash with an immediate restart,
 * a freeze while an assign is in flight, and steps of its wall clock.
 */
final class AgentFaults {
  /** clock-step: the size of each step. */
  static final long CLOCK_STEP_SECONDS = 30;
  /** clock-step: how long each offset is held (longer than the lease TTL and jetcd's keep-alive cycle). */
  static final Duration CLOCK_HOLD = Duration.ofSeconds(8);

  private final TrialKit kit;

  AgentFaults(TrialKit kit) {
    this.kit = kit;
  }

  /**
   * {@code ip addr del} of the floating IP on the leader's node; recovery is until it is bound there again. When it
   * never comes back, the harness puts it back after the trial has been recorded, so the next trial starts clean.
   */
  FipkeeperTrials.Takeover addressRemoved(Node leader, Duration wait, TrialNotes notes) {
    Network net = kit.network();
    long bound = kit.settings.bounds().of(Scenario.ADDRESS_REMOVED);
    long[] at = new long[1];
    boolean back;
    try (StatusWatch w = StatusWatch.start(kit.bed.agents(), TrialKit.POLL)) {
      kit.timeline.record(leader.name(), "ip addr del " + Network.FLOATING_IP + "/32", null);
      long t0 = System.nanoTime();
      net.node(leader.index()).ip("addr", "del", Network.FLOATING_IP + "/32", "dev", "eth0");
      back = Await.tryUntil(Duration.ofMillis(bound + 2000), () -> {
        at[0] = System.nanoTime();
        return kit.holdsAddress(leader);
      });
      // the re-bind must not come with a failover: keep watching a little
      Await.tryUntil(Duration.ofSeconds(3), () -> false);
      notes.polled.addAll(w.stop());
      if (back) {
        return new FipkeeperTrials.Takeover((at[0] - t0) / 1e6, true);
      }
    }
    notes.repairs.add(() -> {
      boolean stillLeads = kit.agent(leader).status().map(AgentStatus::leadingAndBound).orElse(false)
          && kit.bed.assignedNode().map(leader.name()::equals).orElse(false);
      if (stillLeads && !kit.holdsAddress(leader)) {
        kit.timeline.record(leader.name(), "harness put the address back (the agent did not)", null);
        net.node(leader.index()).ip("addr", "add", Network.FLOATING_IP + "/32", "dev", "eth0");
      }
    });
    return new FipkeeperTrials.Takeover(null, false);
  }

  /**
   * SIGKILL of the leader's agent and an immediate restart. Recovery (informational) is until a node serves the IP
   * again; the outage that counts is at the node's own service ({@link TrialKit#SERVICE_PORT}), which only goes dark
   * if the address is removed or moved: the agent's own port is dark while its JVM starts, whatever it does.
   */
  FipkeeperTrials.Takeover crashRestart(Node leader, long t0, Duration wait, TrialNotes notes) {
    if (kit.serviceProber == null) {
      throw new TestbedException("leader-crash-restart needs the node services (not started)");
    }
    AgentProcess agent = kit.agent(leader);
    long from = System.nanoTime();
    kit.kill(agent);
    kit.start(agent);
    FipkeeperTrials.Takeover t = kit.awaitHolder(t0, wait, n -> true);
    kit.watch(Duration.ofMillis(kit.settings.bounds().leaseTtlMs() + 2000), notes);
    notes.serviceOutageMs = Outage.within(kit.serviceProber.samples(), from, System.nanoTime());
    return t;
  }

  /**
   * The next leader's assign in flight while its agent is frozen: the harness makes the simulator hold the assign
   * of the node next in election order in transit for 2 × TTL + action + 2 s, kills the leader, and freezes the
   * next node (SIGSTOP) the moment its assign is held; 2 × TTL later it thaws it (SIGCONT). The third node takes over
   * meanwhile; the held assign lands after it. The trial then waits until that stale landing is repaired (or its
   * bound has passed; the harness then puts the IP back on the leader itself, after noting the time, so the bed
   * stays usable). Recovery is from the freeze until the third node holds the IP.
   */
  FipkeeperTrials.Takeover pause(Node leader, Duration wait, TrialNotes notes) {
    Node next = kit.nextWinner(leader.name());
    long ttl = kit.settings.bounds().leaseTtlMs();
    long action = kit.settings.actionMs();
    Duration hold = Duration.ofMillis(2 * ttl + action + 2000);
    kit.bed.sim().holdAssigns(kit.bed.sim().serverId(next.name()), 1, hold);
    notes.heldRequests = true;
    kit.kill(kit.agent(leader));
    boolean inFlight = Await.tryUntil(Duration.ofMillis(2 * kit.settings.bounds().of(Scenario.LEADER_SIGKILL)),
        () -> kit.bed.sim().holds().path("holding").asInt() > 0);
    if (!inFlight) {
      throw new TestbedException(next.name() + " sent no assign after " + leader.name() + " was killed");
    }
    AgentProcess frozen = kit.agent(next);
    kit.timeline.record(next.name(), "sigstop with its assign in flight", null);
    frozen.pause();
    long t0 = System.nanoTime();
    notes.pausedNode = next.name();
    notes.pausedAt = Instant.now();
    java.util.function.Predicate<String> third = n -> !n.equals(next.name()) && !n.equals(leader.name());
    FipkeeperTrials.Takeover t;
    try (StatusWatch w = StatusWatch.start(kit.bed.agents(), TrialKit.POLL)) {
      t = kit.awaitHolder(t0, Duration.ofMillis(2 * ttl), third);
      Await.tryUntil(Duration.ofNanos(Math.max(0, t0 + 2 * ttl * 1_000_000 - System.nanoTime())), () -> false);
      kit.timeline.record(next.name(), "sigcont", null);
      frozen.resume();
      if (!t.recovered()) {
        t = kit.awaitHolder(t0, wait, third);
      }
      long repair = kit.settings.expectation(Scenario.LEADER_PAUSE).staleRepairMs();
      Await.tryUntil(hold.plusMillis(action + 1000), () -> kit.bed.sim().holds().path("holding").asInt() == 0);
      Await.tryUntil(Duration.ofMillis(action + 500), () -> false);
      boolean repaired = Await.tryUntil(Duration.ofMillis(repair + 2000),
          () -> !kit.bed.assignedNode().map(next.name()::equals).orElse(false));
      notes.polled.addAll(w.stop());
      if (!repaired) {
        putBackOnLeader(next);
      }
    }
    return t;
  }

  /** After a stale landing that was not repaired in time: assign the IP to the leading node, as an operator would. */
  private void putBackOnLeader(Node stale) {
    Optional<AgentProcess> leading = kit.bed.leader();
    if (leading.isEmpty() || leading.get().node().equals(stale)) {
      return;
    }
    Node to = leading.get().node();
    kit.timeline.record(to.name(), "harness assigned the IP back to the leader (stale landing on " + stale.name()
        + " not repaired)", null);
    kit.bed.sim().assignAsOperator(kit.bed.floatingIpId(), kit.bed.sim().serverId(to.name()));
  }

  /**
   * Steps the leader's wall clock +30 s, back to true, −30 s and back to true, holding each for
   * {@link #CLOCK_HOLD}. Its log timestamps are off meanwhile, so its state is read from /status polls.
   */
  FipkeeperTrials.Takeover clockStep(Node leader, TrialNotes notes) {
    FakeClock clock = kit.agent(leader).clock()
        .orElseThrow(() -> new TestbedException("clock-step needs agents under a fake clock (Testbed fakeClocks)"));
    notes.skewedLogs.add(leader.name());
    try (StatusWatch w = StatusWatch.start(kit.bed.agents(), TrialKit.POLL)) {
      for (long offset : List.of(CLOCK_STEP_SECONDS, 0L, -CLOCK_STEP_SECONDS, 0L)) {
        kit.timeline.record(leader.name(), "wall clock stepped to true " + (offset >= 0 ? "+" : "") + offset + " s", null);
        clock.step(offset);
        Await.tryUntil(CLOCK_HOLD, () -> false);
      }
      notes.polled.addAll(w.stop());
    }
    return new FipkeeperTrials.Takeover(null, true);
  }
}
