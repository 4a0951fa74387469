package io.fipkeeper.leader.port;

import io.fipkeeper.leader.HolderRecord;
import io.fipkeeper.leader.Term;

/** Facts reported by an {@link ElectionBackend}; the leader loop turns them into state-machine events. */
public sealed interface ElectionEvent {
  /** This node's key became the leader key. */
  record ElectionWon(Term term) implements ElectionEvent {}
  /**
   * The observed leader changed; {@code node} is null when there is no leader key. {@code serverId} is the leader's
   * server id when its key records one (keys of older agents record only the node name), else 0; {@code revision}
   * is the leader key's create revision (0 without one) and {@code asOf} the store revision of the read.
   */
  record LeaderSeen(String node, long serverId, long revision, long asOf) implements ElectionEvent {
    public LeaderSeen(String node, long serverId, long revision) {
      this(node, serverId, revision, revision);
    }

    public LeaderSeen(String node, long revision) {
      this(node, 0, revision, revision);
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
  /** A keep-alive failed or was not answered in time; etcd may be slow or unreachable for now (SUSPENDED, not LOST). */
  record KeepAliveError(long leaseId, String reason) implements ElectionEvent {}
  /** etcd answered that the lease is gone (not found): someone else may lead now. */
  record LeaseGone(long leaseId) implements ElectionEvent {}
  /** Campaign {@code attempt} failed (etcd unreachable, lease grant refused, its lease gone); retry with backoff. */
  record CampaignFailed(long attempt, String reason) implements ElectionEvent {}
  /** Campaign {@code attempt} is in place: the key waits behind the leader; the win comes as {@link ElectionWon}. */
  record CampaignQueued(long attempt) implements ElectionEvent {}
  /** Campaign {@code attempt} was abandoned (a revoke, a newer run of this agent took the lease over). */
  record CampaignSuperseded(long attempt, String reason) implements ElectionEvent {}
  /** The holder record changed: {@code holder} now has the floating IP (null when deleted). */
  record HolderChanged(HolderRecord holder) implements ElectionEvent {}
  /**
   * A newer run of this agent (same node and server) adopted {@code leaseId}, this run's lease: it now owns the key
   * and the address. {@code by} names the newer run (no secret).
   */
  record Superseded(long leaseId, String by) implements ElectionEvent {}
}
