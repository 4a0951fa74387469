package io.fipkeeper.bench.perf;

import io.fipkeeper.bench.AgentProcess;
import io.fipkeeper.bench.AgentStatus;
import io.fipkeeper.bench.Await;
import io.fipkeeper.bench.Network;
import io.fipkeeper.bench.Prober;
import io.fipkeeper.bench.Testbed;
import io.fipkeeper.bench.TestbedException;
import io.fipkeeper.bench.report.Measurement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * Crash and graceful takeover trials on one running testbed. A trial signals the settled leader, then polls
 * every 20 ms until another agent has the address bound and the simulator has the floating IP on that agent's
 * server: the IP is assigned and bound, which is when traffic flows again, and that time is the recovery. (The
 * agent binds as soon as it wins and calls itself LEADING only once its own action poll has seen the assign
 * finish, up to one actionPollInterval later; that bookkeeping delay is not part of the outage.) The outside client's outage comes from the prober. The
 * signalled agent is restarted (its start-to-ready timed) and the cluster settles again before the next trial.
 */
final class TakeoverTrials {
  static final String CRASH = "crash";
  static final String GRACEFUL = "graceful";
  private static final long POLL_NANOS = Duration.ofMillis(20).toNanos();
  private static final Duration RECOVERY_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(60);

  private final Testbed bed;
  private final Prober prober;
  private final long actionMs;
  private final ReadyTimer ready = new ReadyTimer();
  private final List<Long> startToReadyMs = new ArrayList<>();

  TakeoverTrials(Testbed bed, Prober prober, long actionMs) {
    this.bed = bed;
    this.prober = prober;
    this.actionMs = actionMs;
  }

  /** How long a restarted agent may keep a stale address after it is ready (its first kernel and Hetzner read). */
  private static final Duration STALE_ADDRESS_GRACE = Duration.ofSeconds(5);

  /** Start-to-ready of every agent restarted between trials so far. */
  List<Long> startToReadyMs() {
    return List.copyOf(startToReadyMs);
  }

  /** SIGKILL (crash, no resign) or SIGTERM (graceful) of the settled leader; returns the trial's measurement. */
  Measurement run(String scenario, int trial) {
    String old = settle(s -> true);
    AgentProcess leader = bed.agent(index(old));
    List<String> violations = new ArrayList<>();
    long signalled = System.nanoTime();
    if (scenario.equals(CRASH)) {
      leader.sigkill();
    } else {
      leader.sigterm();
    }
    long recovered = awaitTakeover(old, signalled, violations);
    long recoveryMs = recovered < 0 ? -1 : (recovered - signalled) / 1_000_000;
    long outageMs = outage(signalled, violations);
    if (scenario.equals(GRACEFUL)) {
      // a crashed agent cannot unbind; a stopped one must have (the handover window ends with its exit)
      if (leader.waitExit(Duration.ofSeconds(20)).isEmpty()) {
        violations.add("stopped agent " + old + " still running 20 s after SIGTERM");
        leader.sigkill();
      }
      bed.network().ifPresent(n -> {
        if (n.addresses(index(old)).contains(Network.FLOATING_IP + "/32")) {
          violations.add(old + " still has " + Network.FLOATING_IP + " bound after exiting");
        }
      });
    }
    startToReadyMs.add(ready.startAndTime(leader, Duration.ofSeconds(30)));
    String now = settle(s -> !s.equals(old));
    // a restarted agent reads the kernel and Hetzner once it runs and drops an address Hetzner routes elsewhere;
    // ready comes first, so it gets a moment for that instead of being judged the instant it is ready
    boolean stale = recovered >= 0 && bed.network().map(n -> !Await.tryUntil(STALE_ADDRESS_GRACE,
        () -> !n.addresses(index(old)).contains(Network.FLOATING_IP + "/32"))).orElse(false);
    if (stale) {
      violations.add("restarted " + old + " still has " + Network.FLOATING_IP + " bound " + STALE_ADDRESS_GRACE.toSeconds()
          + " s after it was ready, while " + now + " leads");
    }
    return new Measurement("fipkeeper", scenario, trial, actionMs, recoveryMs, outageMs,
        recoveryMs >= 0 && violations.isEmpty(), violations);
  }

  /**
   * Polls until a node other than {@code old} has the address bound and the IP assigned; returns that moment (nanos) or -1
   * on timeout. Notes a violation when two agents say LEADING in one poll or the IP is ever unassigned.
   */
  private long awaitTakeover(String old, long since, List<String> violations) {
    long deadline = since + RECOVERY_TIMEOUT.toNanos();
    long serverOfOld = bed.sim().serverId(old);
    boolean sawDual = false;
    boolean sawUnassigned = false;
    while (System.nanoTime() - deadline < 0) {
      List<String> leadingBound = new ArrayList<>();
      int leading = 0;
      for (AgentProcess a : bed.agents()) {
        if (!a.isAlive()) {
          continue;
        }
        Optional<AgentStatus> st = a.status();
        if (st.map(s -> "LEADING".equals(s.state())).orElse(false)) {
          leading++;
        }
        if (!a.node().name().equals(old) && st.map(AgentStatus::bound).orElse(false)) {
          leadingBound.add(a.node().name());
        }
      }
      Optional<Long> assigned = assigned();
      long now = System.nanoTime();
      if (leading > 1 && !sawDual) {
        sawDual = true;
        violations.add("two agents reported LEADING in the same poll");
      }
      if (assigned.isEmpty() && !sawUnassigned) {
        sawUnassigned = true;
        violations.add("floating IP unassigned at Hetzner during the takeover");
      }
      if (leadingBound.size() == 1 && assigned.isPresent() && assigned.get() != serverOfOld
          && assigned.get() == bed.sim().serverId(leadingBound.get(0))) {
        return now;
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
    violations.add("no takeover within " + RECOVERY_TIMEOUT.toSeconds() + " s");
    return -1;
  }

  private Optional<Long> assigned() {
    try {
      return bed.sim().assignedServer(bed.floatingIpId());
    } catch (TestbedException e) {
      return Optional.of(-1L);
    }
  }

  /** The client's gap in answers after the signal (waiting up to 5 s for it to end), or -1 without a prober. */
  private long outage(long since, List<String> violations) {
    if (prober == null) {
      return -1;
    }
    if (!Await.tryUntil(Duration.ofSeconds(5), () -> prober.outageAfter(since).isPresent())) {
      violations.add("outside client still without answer 5 s after the takeover");
      return -1;
    }
    return prober.outageAfter(since).orElseThrow().toMillis();
  }

  /**
   * Waits for a settled leader accepted by {@code accept} and for every other agent to be campaigning again
   * (bounded: a standby that never campaigns only delays, the next trial's recovery would show it).
   */
  String settle(java.util.function.Predicate<String> accept) {
    String leader = bed.awaitSettledLeader(accept, SETTLE_TIMEOUT);
    Await.tryUntil(Duration.ofSeconds(10), () -> bed.agents().stream()
        .filter(a -> !a.node().name().equals(leader))
        .allMatch(a -> a.status().map(s -> "CAMPAIGNING".equals(s.state())).orElse(false)));
    return leader;
  }

  static int index(String node) {
    return Integer.parseInt(node.substring(node.lastIndexOf('-') + 1));
  }
}
