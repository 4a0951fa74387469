package io.fipkeeper.leader;

/** Facts reported by an {@link ElectionBackend}; the leader loop turns them into state-machine events. */
public sealed interface ElectionEvent {
  /** This node's key became the leader key. */
  record ElectionWon(Term term) implements ElectionEvent {}
  /** The observed leader changed; {@code node} is null when there is no leader key. */
  record LeaderSeen(String node, long revision) implements ElectionEvent {}
  /** A keep-alive response arrived; the lease has {@code ttlSeconds} left as seen by etcd. */
  record KeepAliveOk(long leaseId, long ttlSeconds) implements ElectionEvent {}
  /** The keep-alive stream failed; etcd may be unreachable for now (SUSPENDED, not LOST). */
  record KeepAliveError(long leaseId, String reason) implements ElectionEvent {}
  /** The lease is gone for sure (NOT_FOUND, TTL 0 or the stream completed): someone else may lead now. */
  record LeaseGone(long leaseId) implements ElectionEvent {}
  /** A campaign attempt failed (etcd unreachable, lease grant refused); retry with backoff. */
  record CampaignFailed(String reason) implements ElectionEvent {}
  /** The holder record changed: {@code holder} now has the floating IP (null when deleted). */
  record HolderChanged(HolderRecord holder) implements ElectionEvent {}
}
