package io.fipkeeper.bench.chaos;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The chaos scenarios, by the id used on the command line and in the results file. Each constant says what is
 * done to the settled leader (or the infrastructure) and what must hold afterwards; the recovery bounds are in
 * {@link Bounds}, the scenario-specific rules in {@link Expectation#of}.
 */
public enum Scenario {
  /** SIGKILL of the leader's agent: its lease must expire, another node takes over. */
  LEADER_SIGKILL(true),
  /** SIGTERM of the leader's agent: resign, hand over, exit; the restarted agent is a clean standby. */
  LEADER_SIGTERM(true),
  /** The leader's cable is pulled: another node takes over; after healing the old leader has no address. */
  LEADER_PARTITION(true),
  /** The leader's apiserver probe fails: it resigns and hands over. */
  APISERVER_FAIL(true),
  /** The etcd member on the leader's node is killed: no failover, the IP stays. */
  ETCD_MEMBER_KILL(false),
  /** A majority of etcd is stopped for a while: the IP is never unassigned; afterwards exactly one leader. */
  ETCD_QUORUM_LOSS(false),
  /** Every Hetzner request answers 429 for a while, and the leader is killed meanwhile. */
  HCLOUD_429_STORM(true),
  /** Every Hetzner request answers 503 for a while, and the leader is killed meanwhile. */
  HCLOUD_503(true),
  /** Assign actions take 3 s, and the leader is killed. */
  SLOW_ACTION(true),
  /** The next assign action ends in error, and the leader is killed: the new leader retries and ends assigned. */
  ACTION_ERROR(true),
  /** Rollout: SIGTERM the leader's agent and start it again at once; handover, then a clean standby. */
  LEADER_RESTART(true),
  /** {@code ip addr del} of the floating IP on the leader's node: re-bound within 3 s, no failover. */
  ADDRESS_REMOVED(false),
  /**
   * The leader is killed while the node next in etcd's election order cannot reach the Hetzner API: it must give
   * the term up within {@code takeoverTimeout} so a healthy node takes over.
   */
  WINNER_CANNOT_REACH_HETZNER(true),
  /** The token file changes to a new token and the old one is revoked: a later failover works with the new one. */
  TOKEN_ROTATED(true),
  /** The only token is revoked, then the leader is killed: an alertable condition, no flapping, no token shown. */
  TOKEN_REVOKED(false),
  /** SIGKILL of the leader's agent and an immediate restart: no new assign, the node's service stays reachable. */
  LEADER_CRASH_RESTART(false),
  /** Quorum lost for a minute: the address stays bound and assigned, no client outage, one leader afterwards. */
  ETCD_QUORUM_LOSS_LONG(false),
  /**
   * The next leader's assign is in flight (held in transit) when its agent is frozen for 2 × TTL: the third node
   * takes over; the frozen node sends no assign afterwards, a stale assign landing late is repaired, and the frozen
   * node ends without the address.
   */
  LEADER_PAUSE(true),
  /** SIGKILL of etcd's raft leader member, restarted 10 s later: no fipkeeper leadership change, no assign. */
  ETCD_LEADER_KILL(false),
  /** The leader node's etcd member answers late (frozen 300 ms at a time) for a minute: no leadership change. */
  ETCD_SLOW(false),
  /** The leader's wall clock steps +30 s, back, −30 s and back (libfaketime): no spurious failover. */
  CLOCK_STEP(false),
  /** The holder's server is deleted (etcd member left first, as ksail does) and recreated: failover, new standby. */
  REPLACE_LEADER(true),
  /** A standby's server is deleted and recreated: the IP never moves, kubectl sees no failed call. */
  REPLACE_STANDBY(false),
  /** Every node drained (SIGTERM), deleted and recreated in turn: the cluster ends on three new servers. */
  ROLLING_REPLACE(true),
  /** Like replace-leader, but the dead etcd member is removed only later: removing it must not disturb the holder. */
  REPLACE_LEADER_HARD(true),
  /**
   * fipkeeper in observe mode beside keepalived, on a testbed of its own: the node that is both keepalived's MASTER
   * and the observers' would-be holder crashes; the observers' would-be holder must match keepalived's new MASTER
   * within one lease TTL of its assign, and they make no mutating call (keepalived.ObserveTrials).
   */
  OBSERVE_KEEPALIVED(true);

  /**
   * The CI suite: what {@code chaos --short} and ChaosShortSuiteTest run for fipkeeper (plus keepalived's
   * leader-sigkill), less {@link #AWAITING_AGENT_FIX}.
   */
  public static final List<Scenario> SHORT = List.of(LEADER_SIGKILL, LEADER_SIGTERM, APISERVER_FAIL, REPLACE_LEADER,
      ADDRESS_REMOVED, WINNER_CANNOT_REACH_HETZNER, LEADER_CRASH_RESTART, ETCD_LEADER_KILL, ETCD_QUORUM_LOSS,
      ACTION_ERROR);

  /**
   * THE GATE: short-suite scenarios the agent on main is known to fail. The short suite leaves them out so CI stays
   * green until the agent work lands; then remove them here. They still run in {@code chaos} and {@code make bench},
   * and in the short suite with {@code -Dfipkeeper.chaos.awaiting=run} (JUnit) or
   * {@code chaos --short --include-awaiting}. Empty: leader-crash-restart, the last one, passes since the agent adopts
   * its lease early in start-up (before metrics and HTTP, etcd connected while Hetzner is asked; a lease etcd reports
   * at 0 s is adopted too) and the testbed runs agents as the image does (the chart's JVM flags and AppCDS).
   */
  public static final List<Scenario> AWAITING_AGENT_FIX = List.of();

  /** The scenarios that make sense for keepalived (no etcd, no apiserver probe, no retry logic to test). */
  public static final List<Scenario> KEEPALIVED = List.of(LEADER_SIGKILL, LEADER_SIGTERM, LEADER_PARTITION);

  /** Scenarios of a minute or more each; {@code make bench} may run them fewer times ({@code --long-trials}). */
  public static final List<Scenario> LONG = List.of(ETCD_QUORUM_LOSS_LONG, ETCD_SLOW);

  private final boolean failover;

  Scenario(boolean failover) {
    this.failover = failover;
  }

  /** The short suite, without the scenarios awaiting the agent fix unless {@code includeAwaiting}. */
  public static List<Scenario> shortSuite(boolean includeAwaiting) {
    List<Scenario> out = new ArrayList<>(SHORT);
    if (!includeAwaiting) {
      out.removeAll(AWAITING_AGENT_FIX);
    }
    return List.copyOf(out);
  }

  /** Whether another node is expected to take the IP over. */
  public boolean expectsFailover() {
    return failover;
  }

  /** Whether the scenario needs every agent under a {@link io.fipkeeper.bench.FakeClock} (its own testbed). */
  public boolean needsFakeClocks() {
    return this == CLOCK_STEP;
  }

  public String id() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Parses an id such as {@code leader-sigkill}; the message lists the valid ids. */
  public static Scenario of(String id) {
    for (Scenario s : values()) {
      if (s.id().equals(id.strip())) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown scenario '" + id + "'; known: "
        + String.join(", ", Arrays.stream(values()).map(Scenario::id).toList()));
  }
}
