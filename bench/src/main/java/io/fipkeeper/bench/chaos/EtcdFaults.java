package io.fipkeeper.bench.chaos;

import io.fipkeeper.bench.Await;
import io.fipkeeper.bench.EtcdCluster;
import io.fipkeeper.bench.Node;
import io.fipkeeper.bench.TestbedException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Faults of etcd and of the leader's network: the partition (with etcd's floor measured on the same cut), quorum
 * loss (short and long), a kill of etcd's raft leader, and a slow etcd member under the leader.
 */
final class EtcdFaults {
  /** How long etcd-leader-kill leaves the killed member down (issue 9). */
  static final Duration RAFT_LEADER_DOWN = Duration.ofSeconds(10);
  /**
   * etcd-slow: the member is frozen this long at a time, so each answer is up to this late (300 ms, the issue's
   * latency; {@code -Dfipkeeper.chaos.etcdSlowFreezeMs=...} tries another)...
   */
  static final Duration SLOW_FREEZE = Duration.ofMillis(Long.getLong("fipkeeper.chaos.etcdSlowFreezeMs", 300));
  /** ...and runs this long in between. */
  static final Duration SLOW_RUN = Duration.ofMillis(50);

  private final TrialKit kit;

  EtcdFaults(TrialKit kit) {
    this.kit = kit;
  }

  /**
   * Isolates the leader's node and waits for another to hold the IP; meanwhile a member of the majority is polled
   * for the leader's election key, whose deletion is etcd's floor ({@link TrialNotes#floorMs}).
   */
  FipkeeperTrials.Takeover partition(Node leader, Duration wait, TrialNotes notes) {
    LeaderKeyWatch floor = floorWatch(leader, notes);
    kit.timeline.record(leader.name(), "partition", null);
    long cut = System.nanoTime();
    Isolation.isolate(kit.network(), leader.index());
    FipkeeperTrials.Takeover t = kit.awaitTakeover(leader, cut, wait);
    if (floor != null) {
      long gone = floor.awaitGone(Duration.ofSeconds(5));
      floor.close();
      if (gone == 0) {
        notes.findings.add("floor: the majority still had " + leader.name() + "'s election key when the trial ended");
      } else {
        notes.floorMs = (gone - cut) / 1e6;
      }
    }
    kit.timeline.record(leader.name(), "heal", null);
    Isolation.rejoin(kit.network(), leader.index());
    return t;
  }

  private LeaderKeyWatch floorWatch(Node leader, TrialNotes notes) {
    try {
      List<EtcdCluster.Kv> order = kit.electionOrder();
      if (order.isEmpty() || !leader.equals(kit.candidate(order.get(0).value()))) {
        notes.findings.add("floor: " + leader.name() + " is not first in etcd's election order " + order);
        return null;
      }
      int majority = kit.bed.nodes().stream().filter(n -> n.index() != leader.index()
          && n.index() <= kit.bed.etcd().size()).findFirst().orElseThrow().index();
      return LeaderKeyWatch.start(kit.bed.etcd(), majority, order.get(0).key());
    } catch (TestbedException e) {
      notes.findings.add("floor: " + e.getMessage().lines().findFirst().orElse(""));
      return null;
    }
  }

  /** Stops a majority for {@code d}; the IP must stay; recovery is from the restore until one leader is settled. */
  FipkeeperTrials.Takeover quorumLoss(Node leader, Duration d, TrialNotes notes) {
    List<Integer> stopped = kit.bed.etcd().loseQuorum();
    stopped.forEach(i -> kit.timeline.record(kit.bed.node(i).name(), "etcd member stopped", null));
    Instant from = Instant.now();
    kit.watch(d, notes);
    kit.checkStayed(leader, from, Instant.now(), "etcd without quorum", notes.findings);
    kit.bed.etcd().restoreQuorum(Duration.ofSeconds(30));
    stopped.forEach(i -> kit.timeline.record(kit.bed.node(i).name(), "etcd member started", null));
    long restored = System.nanoTime();
    kit.bed.awaitSettledLeader(n -> true, Duration.ofSeconds(60));
    return new FipkeeperTrials.Takeover((System.nanoTime() - restored) / 1e6, true);
  }

  /** SIGKILLs the member that is raft leader (on whichever node), restarts it 10 s later, watches throughout. */
  FipkeeperTrials.Takeover raftLeaderKill(Node leader, TrialNotes notes) {
    EtcdCluster etcd = kit.bed.etcd();
    int raft = etcd.raftLeader().orElseThrow(() -> new TestbedException("no etcd member reports itself raft leader"));
    String where = kit.bed.node(raft).name();
    try (StatusWatch w = StatusWatch.start(kit.bed.agents(), TrialKit.POLL)) {
      kit.timeline.record(where, "etcd raft leader sigkill (fipkeeper leader is " + leader.name() + ")", null);
      etcd.kill(raft);
      Await.tryUntil(RAFT_LEADER_DOWN, () -> false);
      kit.timeline.record(where, "etcd member restarted", null);
      etcd.start(raft);
      etcd.waitHealthy(Duration.ofSeconds(30));
      Await.tryUntil(Duration.ofMillis(2 * kit.settings.bounds().leaseTtlMs() + 1000), () -> false);
      notes.polled.addAll(w.stop());
    }
    return new FipkeeperTrials.Takeover(null, true);
  }

  /**
   * Makes the leader node's etcd member slow for {@link ChaosSettings#longFault()}: frozen (SIGSTOP) for 300 ms,
   * running for 50 ms, over and over, so each keep-alive and each raft message through it is up to 300 ms late.
   * (The textbook tool, {@code tc netem delay 300ms}, needs the kernel's sch_netem, which this machine's kernel does
   * not have; a freeze also delays the agent's traffic to its own member, which a netem on eth0 would not touch.)
   * Counts the Hetzner requests of the window.
   */
  FipkeeperTrials.Takeover slow(Node leader, TrialNotes notes) {
    EtcdCluster etcd = kit.bed.etcd();
    int member = leader.index();
    if (member > etcd.size() || !etcd.isRunning(member)) {
      throw new TestbedException("no etcd member on " + leader.name());
    }
    long before = kit.hcloudRequests();
    Duration d = kit.settings.longFault();
    kit.timeline.record(leader.name(), "etcd member slowed (frozen " + SLOW_FREEZE.toMillis() + " ms of every "
        + (SLOW_FREEZE.toMillis() + SLOW_RUN.toMillis()) + " ms) for " + d.toSeconds() + " s", null);
    java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
    Thread slower = new Thread(() -> {
      long end = System.nanoTime() + d.toNanos();
      // not interrupted: an interrupt while kill(1) runs would leave the member frozen
      while (System.nanoTime() < end && !stop.get()) {
        etcd.pause(member);
        LockSupport.parkNanos(SLOW_FREEZE.toNanos());
        etcd.resume(member);
        LockSupport.parkNanos(SLOW_RUN.toNanos());
      }
    }, "etcd-slow");
    slower.setDaemon(true);
    slower.start();
    try {
      kit.watch(d, notes);
    } finally {
      stop.set(true);
      try {
        slower.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      etcd.resume(member);
    }
    kit.timeline.record(leader.name(), "etcd member back to speed", null);
    notes.hcloudRequests = kit.hcloudRequests() - before;
    return new FipkeeperTrials.Takeover(null, true);
  }
}
