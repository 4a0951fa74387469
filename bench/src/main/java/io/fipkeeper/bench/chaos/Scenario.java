package io.fipkeeper.bench.chaos;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The chaos scenarios, by the id used on the command line and in the results file. Each constant says what is
 * done to the settled leader (or the infrastructure) and what must hold afterwards; the recovery bounds are in
 * {@link Bounds}.
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

  /** What {@code chaos --short} runs for fipkeeper (plus keepalived's leader-sigkill). */
  public static final List<Scenario> SHORT =
      List.of(LEADER_SIGKILL, LEADER_SIGTERM, APISERVER_FAIL, REPLACE_LEADER, ETCD_QUORUM_LOSS, ACTION_ERROR);
  /** The scenarios that make sense for keepalived (no etcd, no apiserver probe, no retry logic to test). */
  public static final List<Scenario> KEEPALIVED = List.of(LEADER_SIGKILL, LEADER_SIGTERM, LEADER_PARTITION);

  private final boolean failover;

  Scenario(boolean failover) {
    this.failover = failover;
  }

  /** Whether another node is expected to take the IP over. */
  public boolean expectsFailover() {
    return failover;
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
