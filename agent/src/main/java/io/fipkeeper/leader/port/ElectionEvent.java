package io.fipkeeper.leader.port;

import io.fipkeeper.leader.HolderRecord;
import io.fipkeeper.leader.Term;

/** Facts reported by an {@link ElectionBackend}; the leader loop turns them into state-machine events. */
public sealed interface ElectionEvent {
  /** This node's key became the leader key. */
  record ElectionWon(Term term) implements ElectionEvent {}
  /**
   * The observed leader changed; {@code node} is null when there is no leader key. {@code serverId} is the leader's
   * server id when its key records one (keys of older agents record only the node name), else 0.
   */
  record LeaderSeen(String node, long serverId, long revision) implements ElectionEvent {
    public LeaderSeen(String node, long revision) {
      this(node, 0, revision);
    }
  }
  /**
   * A keep-alive response arrived; the lease has {@code ttlSeconds} left as seen by etcd.
   *
   * @param sentNanos {@link io.fipkeeper.time.Ticker#system()} reading taken right before the confirmed request was
   *     sent, or {@link #UNKNOWN_SENT} when the backend cannot tell (the loop then uses the arrival time)
   */
  record KeepAliveOk(long leaseId, long ttlSeconds, long sentNanos) implements ElectionEvent {
    /** Marks a keep-alive whose send time is unknown. */
    public static final long UNKNOWN_SENT = Long.MIN_VALUE;

    public KeepAliveOk(long leaseId, long ttlSeconds) {
      this(leaseId, ttlSeconds, UNKNOWN_SENT);
    }
  }
  /** The keep-alive stream failed; etcd may be unreachable for now (SUSPENDED, not LOST). */
  record KeepAliveError(long leaseId, String reason) implements ElectionEvent {}
  /** The lease is gone for sure (NOT_FOUND, TTL 0 or the stream completed): someone else may lead now. */
  record LeaseGone(long leaseId) implements ElectionEvent {}
  /** A campaign attempt failed (etcd unreachable, lease grant refused); retry with backoff. */
  record CampaignFailed(String reason) implements ElectionEvent {}
  /** The holder record changed: {@code holder} now has the floating IP (null when deleted). */
  record HolderChanged(HolderRecord holder) implements ElectionEvent {}
  /**
   * A newer run of this agent (same node and server) adopted {@code leaseId}, this run's lease: it now owns the key
   * and the address. {@code by} names the newer run (no secret).
   */
  record Superseded(long leaseId, String by) implements ElectionEvent {}
}
