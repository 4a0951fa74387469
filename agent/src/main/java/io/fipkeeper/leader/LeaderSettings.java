package io.fipkeeper.leader;

import java.time.Duration;
import java.util.Objects;

/**
 * The timing and identity the {@link LeaderStateMachine} needs, validated at construction so the machine never
 * sees a window that could not be kept.
 *
 * @param node this agent's node name (as written in the election)
 * @param serverId this node's Hetzner server id
 * @param leaseTtl the configured election lease TTL
 * @param keepAliveInterval how often the backend renews the lease (jetcd: TTL/3)
 * @param handoverTimeout how long the address may stay bound once this node is no longer a confirmed leader
 * @param verifyInterval steady-state interval between checks that Hetzner still routes the IP here
 * @param retryInitial first backoff after a failed campaign, assign or bind (doubles per failure)
 * @param retryMax cap of that backoff
 * @param apiserverProbeEnabled false: the apiserver counts as healthy from the start
 */
public record LeaderSettings(
    String node,
    long serverId,
    Duration leaseTtl,
    Duration keepAliveInterval,
    Duration handoverTimeout,
    Duration verifyInterval,
    Duration retryInitial,
    Duration retryMax,
    boolean apiserverProbeEnabled) {

  /** etcd's lessor checks for expired leases every 500 ms; never keep a smaller margin than one such round. */
  static final Duration MIN_MARGIN = Duration.ofMillis(500);

  public LeaderSettings {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(leaseTtl, "leaseTtl");
    Objects.requireNonNull(keepAliveInterval, "keepAliveInterval");
    Objects.requireNonNull(handoverTimeout, "handoverTimeout");
    Objects.requireNonNull(verifyInterval, "verifyInterval");
    Objects.requireNonNull(retryInitial, "retryInitial");
    Objects.requireNonNull(retryMax, "retryMax");
    if (node.isBlank()) {
      throw new IllegalArgumentException("node: must not be blank");
    }
    if (keepAliveInterval.isNegative() || keepAliveInterval.isZero()) {
      throw new IllegalArgumentException("keepAliveInterval: must be positive, got " + keepAliveInterval);
    }
    Duration margin = keepAliveInterval.compareTo(MIN_MARGIN) > 0 ? keepAliveInterval : MIN_MARGIN;
    if (leaseTtl.compareTo(margin) <= 0) {
      throw new IllegalArgumentException("leaseTtl: must be longer than the safety margin " + margin
          + " (max of keepAliveInterval and 500ms), got " + leaseTtl);
    }
    for (var d : new Duration[] {handoverTimeout, verifyInterval, retryInitial, retryMax}) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("durations must be positive, got " + d);
      }
    }
    if (retryMax.compareTo(retryInitial) < 0) {
      throw new IllegalArgumentException("retryMax: must be at least retryInitial " + retryInitial + ", got " + retryMax);
    }
  }

  /**
   * The defaults: lease TTL 2 s renewed every TTL/3, handover 10 s, verify every 60 s, backoff 1 s doubling to 30 s,
   * apiserver probe on.
   */
  public static LeaderSettings defaults(String node, long serverId) {
    return withTtl(node, serverId, Duration.ofSeconds(2));
  }

  /** The defaults with another lease TTL; the keep-alive interval follows as TTL/3 (what jetcd does). */
  public static LeaderSettings withTtl(String node, long serverId, Duration leaseTtl) {
    return new LeaderSettings(node, serverId, leaseTtl, leaseTtl.dividedBy(3), Duration.ofSeconds(10),
        Duration.ofSeconds(60), Duration.ofSeconds(1), Duration.ofSeconds(30), true);
  }

  /** A copy with the apiserver probe switched on or off. */
  public LeaderSettings withApiserverProbe(boolean enabled) {
    return new LeaderSettings(node, serverId, leaseTtl, keepAliveInterval, handoverTimeout, verifyInterval,
        retryInitial, retryMax, enabled);
  }

  /** A copy with another handover timeout. */
  public LeaderSettings withHandoverTimeout(Duration timeout) {
    return new LeaderSettings(node, serverId, leaseTtl, keepAliveInterval, timeout, verifyInterval,
        retryInitial, retryMax, apiserverProbeEnabled);
  }

  /** How much earlier than the lease expiry the leader stops acting: max(keep-alive interval, 500 ms). */
  public Duration margin() {
    return keepAliveInterval.compareTo(MIN_MARGIN) > 0 ? keepAliveInterval : MIN_MARGIN;
  }

  /** How long after a confirmed keep-alive was sent the leader may keep acting: TTL - margin (2 s TTL: 1.333 s). */
  public Duration safeWindow(Duration ttl) {
    Duration w = ttl.minus(margin());
    return w.isNegative() ? Duration.ZERO : w;
  }

  /** Backoff after {@code failures} consecutive failures (1 = first): retryInitial * 2^(failures-1), capped. */
  public Duration backoff(int failures) {
    int shift = Math.max(0, Math.min(failures - 1, 20));
    Duration d = retryInitial.multipliedBy(1L << shift);
    return d.compareTo(retryMax) > 0 ? retryMax : d;
  }
}
