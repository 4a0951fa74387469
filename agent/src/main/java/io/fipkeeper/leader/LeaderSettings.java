package io.fipkeeper.leader;

import java.time.Duration;
import java.util.Objects;

/**
 * The timing and identity the {@link LeaderStateMachine} needs, validated at construction so the machine never
 * sees a window that could not be kept.
 *
 * @param node this agent's node name (as written in the election)
 * @param serverId this node's Hetzner server id; with {@code node} it is the agent's identity
 * @param leaseTtl the configured election lease TTL
 * @param keepAliveInterval how often the backend renews a healthy lease (TTL/2); a request that fails or is not
 *     answered within {@link #margin()} is followed by the next one at once
 * @param handoverTimeout how long a node that resigned on purpose (shutdown, unhealthy apiserver) keeps the address
 *     waiting for the next holder; losing leadership to an etcd problem never unbinds on a timer
 * @param verifyInterval steady-state interval between checks that Hetzner still routes the IP here
 * @param retryInitial first backoff after a failed campaign, assign or bind (doubles per failure)
 * @param retryMax cap of that backoff
 * @param apiserverProbeEnabled false: the apiserver counts as healthy from the start
 * @param takeoverTimeout bound on one takeover: a term that has not got the IP routed here by then is given up
 * @param recheckDelay when, after a takeover, Hetzner is read once more (a stale POST sent before this node won has
 *     landed or been abandoned by then): one Hetzner request timeout
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
    boolean apiserverProbeEnabled,
    Duration takeoverTimeout,
    Duration recheckDelay) {

  /**
   * The smallest margin between the moment the leader stops acting and the earliest moment its lease can expire:
   * it covers the tick (100 ms) and the residue of the fence. etcd's lessor adds up to 500 ms on top (it revokes
   * expired leases on a 500 ms loop), but that is etcd's slack, not ours to spend.
   */
  static final Duration MIN_MARGIN = Duration.ofMillis(500);
  /**
   * A SUSPENDED → LEADING recovery reads Hetzner once to catch a stray assign made meanwhile, unless any read was
   * sent less than this long ago: then the read is brought forward to this spacing instead. Flapping under a slow
   * etcd costs at most one extra GET per 30 s (120/h of the 3600/h project budget shared with the CCM and CSI).
   */
  public static final Duration RECOVERY_VERIFY_SPACING = Duration.ofSeconds(30);
  /** A campaign with no answer (won, queued, failed, superseded) for this many lease TTLs is asked again. */
  static final int CAMPAIGN_ANSWER_TTLS = 3;
  /** How often the kernel is asked whether the address is still there (while it matters: leading or holding). */
  public static final Duration ADDRESS_CHECK_INTERVAL = Duration.ofSeconds(2);
  /** Retries inside a takeover wait at most this long: the endpoint may be dark, and the takeover is bounded. */
  public static final Duration ACQUIRE_RETRY_CAP = Duration.ofSeconds(1);
  /** First re-check of Hetzner by a node that keeps the address without leadership; doubles up to verifyInterval. */
  public static final Duration HOLD_CHECK_INITIAL = Duration.ofSeconds(2);
  /** A node whose token was rejected sits out of the election at least this long; doubles up to the max. */
  public static final Duration CREDENTIALS_SIT_OUT = Duration.ofSeconds(30);
  public static final Duration CREDENTIALS_SIT_OUT_MAX = Duration.ofMinutes(2);
  /**
   * A changed token ends the sit-out with a read that checks it, unless a read went out less than this long ago:
   * then the check waits for this spacing. A token file that keeps changing costs at most one read per 10 s (360/h).
   */
  public static final Duration CREDENTIALS_CHANGE_CHECK_SPACING = Duration.ofSeconds(10);

  public LeaderSettings {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(leaseTtl, "leaseTtl");
    Objects.requireNonNull(keepAliveInterval, "keepAliveInterval");
    Objects.requireNonNull(handoverTimeout, "handoverTimeout");
    Objects.requireNonNull(verifyInterval, "verifyInterval");
    Objects.requireNonNull(retryInitial, "retryInitial");
    Objects.requireNonNull(retryMax, "retryMax");
    Objects.requireNonNull(takeoverTimeout, "takeoverTimeout");
    Objects.requireNonNull(recheckDelay, "recheckDelay");
    if (node.isBlank()) {
      throw new IllegalArgumentException("node: must not be blank");
    }
    if (keepAliveInterval.isNegative() || keepAliveInterval.isZero()) {
      throw new IllegalArgumentException("keepAliveInterval: must be positive, got " + keepAliveInterval);
    }
    Duration margin = marginFor(keepAliveInterval);
    if (leaseTtl.minus(margin).compareTo(keepAliveInterval) <= 0) {
      throw new IllegalArgumentException("leaseTtl: the safe window (leaseTtl - " + margin + ") must be longer than "
          + "keepAliveInterval " + keepAliveInterval + " so that a renewal fits in it, got " + leaseTtl);
    }
    for (var d : new Duration[] {handoverTimeout, verifyInterval, retryInitial, retryMax, takeoverTimeout,
        recheckDelay}) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("durations must be positive, got " + d);
      }
    }
    if (retryMax.compareTo(retryInitial) < 0) {
      throw new IllegalArgumentException("retryMax: must be at least retryInitial " + retryInitial + ", got " + retryMax);
    }
  }

  /**
   * The defaults: lease TTL 2 s renewed every TTL/2, handover 10 s, verify every 60 s, backoff 1 s doubling to 30 s,
   * apiserver probe on, takeover bounded at 20 s, re-check 10 s after a takeover.
   */
  public static LeaderSettings defaults(String node, long serverId) {
    return withTtl(node, serverId, Duration.ofSeconds(2));
  }

  /**
   * The defaults with another lease TTL; the keep-alive interval follows as TTL/2 ({@code
   * io.fipkeeper.etcd.LeaseKeeper} renews on the same rule).
   */
  public static LeaderSettings withTtl(String node, long serverId, Duration leaseTtl) {
    return new LeaderSettings(node, serverId, leaseTtl, leaseTtl.dividedBy(2), Duration.ofSeconds(10),
        Duration.ofSeconds(60), Duration.ofSeconds(1), Duration.ofSeconds(30), true, Duration.ofSeconds(20),
        Duration.ofSeconds(10));
  }

  /** A copy with the apiserver probe switched on or off. */
  public LeaderSettings withApiserverProbe(boolean enabled) {
    return new LeaderSettings(node, serverId, leaseTtl, keepAliveInterval, handoverTimeout, verifyInterval,
        retryInitial, retryMax, enabled, takeoverTimeout, recheckDelay);
  }

  /** A copy with another handover timeout. */
  public LeaderSettings withHandoverTimeout(Duration timeout) {
    return new LeaderSettings(node, serverId, leaseTtl, keepAliveInterval, timeout, verifyInterval,
        retryInitial, retryMax, apiserverProbeEnabled, takeoverTimeout, recheckDelay);
  }

  /** A copy with other Hetzner timings: verify interval, takeover bound and post-takeover re-check. */
  public LeaderSettings withHetznerTimings(Duration verify, Duration takeover, Duration recheck) {
    return new LeaderSettings(node, serverId, leaseTtl, keepAliveInterval, handoverTimeout, verify,
        retryInitial, retryMax, apiserverProbeEnabled, takeover, recheck);
  }

  /** Whether a published identity (node name and server id) is this agent; server id 0 means "not recorded". */
  public boolean isSelf(String otherNode, long otherServerId) {
    return node.equals(otherNode) && (otherServerId == 0 || otherServerId == serverId);
  }

  /**
   * How much earlier than the earliest possible lease expiry the leader stops acting: max(half the keep-alive
   * interval, 500 ms); 500 ms with the default 2 s TTL. This is the real safety margin. etcd renews a lease to
   * {@code TTL} from when it processes a keep-alive, which is after the request was sent, so {@code sent + TTL} is a
   * lower bound of the expiry; the leader acts only until {@code sent + TTL - margin}, checked on every 100 ms tick
   * and, for an assign, right before and again right after the fence's round trip to etcd. Half the keep-alive
   * interval is also each request's own deadline: a renewal that fails or is not answered within it is followed by
   * the next at once, so two renewals fit before the lease could expire.
   */
  public Duration margin() {
    return marginFor(keepAliveInterval);
  }

  private static Duration marginFor(Duration keepAliveInterval) {
    Duration half = keepAliveInterval.dividedBy(2);
    return half.compareTo(MIN_MARGIN) > 0 ? half : MIN_MARGIN;
  }

  /**
   * How long after a confirmed keep-alive was sent the leader may keep acting: TTL - margin (2 s TTL: 1.5 s). A
   * renewal sent one interval (1 s) after the last confirmed one may take up to TTL - margin - interval (500 ms)
   * to be answered before the leader suspends.
   */
  public Duration safeWindow(Duration ttl) {
    Duration w = ttl.minus(margin());
    return w.isNegative() ? Duration.ZERO : w;
  }

  /** How long a campaign may go without an answer before it is asked again: {@value #CAMPAIGN_ANSWER_TTLS} TTLs. */
  public Duration campaignAnswerTimeout() {
    return leaseTtl.multipliedBy(CAMPAIGN_ANSWER_TTLS);
  }

  /** Backoff after {@code failures} consecutive failures (1 = first): retryInitial * 2^(failures-1), capped. */
  public Duration backoff(int failures) {
    return doubling(retryInitial, retryMax, failures);
  }

  /** The pause before retrying a failed step inside a takeover: the backoff, but never above 1 s. */
  public Duration acquireRetry(int failures) {
    Duration d = backoff(failures);
    return d.compareTo(ACQUIRE_RETRY_CAP) > 0 ? ACQUIRE_RETRY_CAP : d;
  }

  /** The pause before the {@code checks}-th re-check (1 = first) of a node holding the address without leadership. */
  public Duration holdCheckDelay(int checks) {
    Duration cap = verifyInterval.compareTo(HOLD_CHECK_INITIAL) > 0 ? verifyInterval : HOLD_CHECK_INITIAL;
    return doubling(HOLD_CHECK_INITIAL, cap, checks);
  }

  /** How long a node sits out of the election after its {@code rejections}-th consecutive credentials rejection. */
  public Duration credentialsSitOut(int rejections) {
    return doubling(CREDENTIALS_SIT_OUT, CREDENTIALS_SIT_OUT_MAX, rejections);
  }

  private static Duration doubling(Duration initial, Duration max, int n) {
    int shift = Math.max(0, Math.min(n - 1, 20));
    Duration d = initial.multipliedBy(1L << shift);
    return d.compareTo(max) > 0 ? max : d;
  }
}
