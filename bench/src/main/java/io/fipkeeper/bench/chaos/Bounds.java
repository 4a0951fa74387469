package io.fipkeeper.bench.chaos;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The recovery bound of each scenario for fipkeeper, in milliseconds, from the design's failover arithmetic
 * (docs/design.md) plus slack for a loaded 2-core machine:
 * <ul>
 *   <li>crash (sigkill, and the Hetzner fault scenarios before their fault's own cost): lease TTL (expiry by
 *       etcd) + 0.5 s (etcd's lessor revoke loop) + action time + 2 s (GETs, fence round trip, 200 ms action
 *       polling, 50 ms observation polling, JVM hiccups);</li>
 *   <li>partition: like replace-leader below (crash + TTL + 1 s), because the cut node may host etcd's raft leader:
 *       the majority elects a new one (a randomized 1–2 s election timeout) and its promotion re-grants every lease
 *       its full TTL plus the election timeout, so the floor alone reaches ~5.5 s (measured 5516 ms on 2026-12-01;
 *       the bound was crash + 1 s until then, which assumed the election only extended leases by 1 s). Issue 9's
 *       sharper per-trial rule, overhead over the measured floor, is in the report;</li>
 *   <li>graceful (sigterm, restart): action + 1.5 s (resign is one round trip; the rest is the takeover);</li>
 *   <li>apiserver failure: graceful + probe detection (interval 500 ms × failure threshold 2 = 1 s);</li>
 *   <li>slow action: crash with the 3 s action;</li>
 *   <li>action error: crash + the first retry backoff (1 s, jittered up to 2 s) + a second action;</li>
 *   <li>429 / 503 storm (issue 8, tightened): the storm's end (or the lease expiry, if later) + action + 1.5 s: while
 *       the endpoint is dark the takeover retries at a short cap, so at most about a second passes after the storm
 *       before the assign goes out;</li>
 *   <li>quorum loss (short and long): from the restore, lease TTL + 1 s etcd election + action + 3 s (every agent
 *       re-campaigns at once after its backoff);</li>
 *   <li>address removed: 3 s from the deletion until it is bound again (issue 8);</li>
 *   <li>winner cannot reach Hetzner: {@code takeoverTimeout} (the winner's bound on its term) + crash;</li>
 *   <li>token rotated: crash (the failover after the rotation must be an ordinary one);</li>
 *   <li>leader pause: crash, counted from the freeze (the frozen node's lease expires like a dead one's);</li>
 *   <li>etcd member kill, etcd leader kill, etcd slow, clock step, leader crash-restart: no failover expected, no
 *       recovery bound (their rules are in {@link Expectation});</li>
 *   <li>token revoked: no failover while no token works; from the operator's fix (a new token in every token file):
 *       1 s until the agents read the file + graceful (a check GET, a campaign with no live leader, the takeover);</li>
 *   <li>replace-leader: a deleted server is a crash, counted from the deletion. Its etcd member left just before
 *       (as ksail does); when that member led etcd, the new etcd leader is elected (up to the 1 s election
 *       timeout) and on promotion re-grants every lease its full TTL plus the election timeout (etcd's
 *       {@code lessor.Promote}), so the dead holder's lease outlives its server by up to TTL + 1 s more: crash +
 *       TTL + 1 s. replace-leader-hard: the member does not leave but dies with the server, and when it led etcd
 *       the same election and re-grant follow: the same bound;</li>
 *   <li>rolling replace: each holder is drained with SIGTERM first: the graceful bound per handover;</li>
 *   <li>replace-standby: no failover, no bound.</li>
 * </ul>
 * {@link #kubectlOutage} bounds what the operator's kubectl sees: the recovery bound plus one call interval and
 * the time one kubectl run takes (1 s on a loaded 2-core machine); none at all when a standby goes.
 */
public final class Bounds {
  static final long SLOW_ACTION_MS = 3000;
  /** How often an agent reads its token file for a change (the agent's {@code Agent.TOKEN_CHECK_INTERVAL}). */
  static final long TOKEN_CHECK_MS = 1000;

  private final long leaseTtlMs;
  private final long actionMs;
  private final long stormMs;
  private final long takeoverTimeoutMs;

  public Bounds(long leaseTtlMs, long actionMs, long stormMs) {
    this(leaseTtlMs, actionMs, stormMs, ChaosSettings.DEFAULT_TAKEOVER_TIMEOUT.toMillis());
  }

  /** @param takeoverTimeoutMs the agent's {@code takeoverTimeout} (how long a new leader may try to assign) */
  public Bounds(long leaseTtlMs, long actionMs, long stormMs, long takeoverTimeoutMs) {
    this.leaseTtlMs = leaseTtlMs;
    this.actionMs = actionMs;
    this.stormMs = stormMs;
    this.takeoverTimeoutMs = takeoverTimeoutMs;
  }

  public long leaseTtlMs() {
    return leaseTtlMs;
  }

  public long actionMs() {
    return actionMs;
  }

  /** The bound in ms, or null when the scenario expects no failover. */
  public Long of(Scenario s) {
    long crash = leaseTtlMs + 500 + actionMs + 2000;
    long graceful = actionMs + 1500;
    return switch (s) {
      case LEADER_SIGKILL -> crash;
      case LEADER_PARTITION -> crash + leaseTtlMs + 1000;
      case LEADER_SIGTERM, LEADER_RESTART -> graceful;
      case APISERVER_FAIL -> graceful + 1000;
      case SLOW_ACTION -> crash - actionMs + SLOW_ACTION_MS;
      case ACTION_ERROR -> crash + 2000 + actionMs;
      case HCLOUD_429_STORM, HCLOUD_503 -> Math.max(stormMs, leaseTtlMs + 500) + actionMs + 1500;
      case ETCD_QUORUM_LOSS, ETCD_QUORUM_LOSS_LONG -> leaseTtlMs + 1000 + actionMs + 3000;
      case ADDRESS_REMOVED -> 3000L;
      case WINNER_CANNOT_REACH_HETZNER -> takeoverTimeoutMs + crash;
      case TOKEN_ROTATED, LEADER_PAUSE -> crash;
      case TOKEN_REVOKED -> TOKEN_CHECK_MS + graceful;
      case ETCD_MEMBER_KILL, ETCD_LEADER_KILL, ETCD_SLOW, CLOCK_STEP, LEADER_CRASH_RESTART -> null;
      case REPLACE_LEADER, REPLACE_LEADER_HARD -> crash + leaseTtlMs + 1000;
      case ROLLING_REPLACE -> graceful;
      case REPLACE_STANDBY -> null;
      // no recovery of fipkeeper's own: its rule is relative to keepalived's assign (keepalived.ObserveMatch)
      case OBSERVE_KEEPALIVED -> null;
    };
  }

  /** The most kubectl may be without an answer in a replacement scenario, in ms (0 = no failed call at all). */
  public long kubectlOutage(Scenario s) {
    Long recovery = of(s);
    return recovery == null ? 0 : recovery + 1200;
  }

  /** Every scenario's bound, for the results file's settings. */
  public Map<String, Long> all() {
    Map<String, Long> out = new LinkedHashMap<>();
    for (Scenario s : Scenario.values()) {
      out.put(s.id(), of(s));
    }
    return out;
  }
}
