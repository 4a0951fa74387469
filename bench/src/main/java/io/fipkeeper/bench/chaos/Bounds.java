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
 *   <li>partition: crash + 1 s, because the cut node may host etcd's leader and a new etcd election
 *       (election timeout 1 s) extends leases by that much;</li>
 *   <li>graceful (sigterm, restart): action + 1.5 s (resign is one round trip; the rest is the takeover);</li>
 *   <li>apiserver failure: graceful + probe detection (interval 500 ms × failure threshold 2 = 1 s);</li>
 *   <li>slow action: crash with the 3 s action;</li>
 *   <li>action error: crash + the first retry backoff (1 s, jittered up to 2 s) + a second action;</li>
 *   <li>429 / 503 storm: crash + the storm + the retry backoff that straddles its end (at most the storm
 *       length again, since waits double);</li>
 *   <li>quorum loss: from the restore, lease TTL + 1 s etcd election + action + 3 s (every agent re-campaigns
 *       at once after its backoff);</li>
 *   <li>etcd member kill: no failover, no bound;</li>
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

  private final long leaseTtlMs;
  private final long actionMs;
  private final long stormMs;

  public Bounds(long leaseTtlMs, long actionMs, long stormMs) {
    this.leaseTtlMs = leaseTtlMs;
    this.actionMs = actionMs;
    this.stormMs = stormMs;
  }

  /** The bound in ms, or null when the scenario expects no failover. */
  public Long of(Scenario s) {
    long crash = leaseTtlMs + 500 + actionMs + 2000;
    long graceful = actionMs + 1500;
    return switch (s) {
      case LEADER_SIGKILL -> crash;
      case LEADER_PARTITION -> crash + 1000;
      case LEADER_SIGTERM, LEADER_RESTART -> graceful;
      case APISERVER_FAIL -> graceful + 1000;
      case SLOW_ACTION -> crash - actionMs + SLOW_ACTION_MS;
      case ACTION_ERROR -> crash + 2000 + actionMs;
      case HCLOUD_429_STORM, HCLOUD_503 -> crash + 2 * stormMs;
      case ETCD_QUORUM_LOSS -> leaseTtlMs + 1000 + actionMs + 3000;
      case ETCD_MEMBER_KILL -> null;
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
