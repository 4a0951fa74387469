package io.fipkeeper.leader;

/**
 * Inputs of the {@link LeaderStateMachine}: election facts, takeover outcomes, probe verdicts, ticks and shutdown.
 * Every event is an immutable value; time travels separately as the {@code nowNanos} argument of
 * {@link LeaderStateMachine#next}, except for {@link KeepAliveOk#sentNanos()}, a reading of the same ticker. The
 * runtime maps the ports' facts to these events; the core knows nothing of the ports.
 */
public sealed interface Event {

  /** This node's key became the leader key. */
  record ElectionWon(Term term) implements Event {}

  /** The election names {@code node} leader (null: no leader key) as of {@code revision}. */
  record LeaderSeen(String node, long revision) implements Event {}

  /** etcd confirmed a keep-alive for {@code leaseId} that was sent no earlier than {@code sentNanos}. */
  record KeepAliveOk(long leaseId, long ttlSeconds, long sentNanos) implements Event {}

  /** The keep-alive stream failed; usually transient. Deadlines, not this event, decide suspension. */
  record KeepAliveError(long leaseId, String reason) implements Event {}

  /** The lease is gone for sure. */
  record LeaseGone(long leaseId) implements Event {}

  /** A campaign attempt failed. */
  record CampaignFailed(String reason) implements Event {}

  /** The published holder record changed (null: deleted). */
  record HolderChanged(HolderRecord holder) implements Event {}

  /** The takeover started for {@code term} finished; Hetzner now reports the IP on {@code serverId}. */
  record AssignDone(Term term, long serverId) implements Event {}

  /** The takeover started for {@code term} failed; {@code fenced} means the fencing check refused the POST. */
  record AssignFailed(Term term, boolean retryable, boolean fenced, String error) implements Event {}

  /** A verification read finished; {@code serverId} is where Hetzner routes the IP (null: unassigned). */
  record VerifyResult(Long serverId) implements Event {}

  /** A verification read failed; the next one comes at the regular interval. */
  record VerifyFailed(String error) implements Event {}

  /** Adding the address to the interface failed. */
  record BindFailed(String error) implements Event {}

  /** Removing the address from the interface failed. */
  record UnbindFailed(String error) implements Event {}

  /** The local apiserver probe changed its verdict (or repeated it). */
  record ApiserverHealth(boolean ok) implements Event {}

  /** Time passed; all deadlines are checked on ticks. */
  record Tick() implements Event {}

  /** Stop: resign, revoke, hand over, unbind, then STOPPED. */
  record Shutdown() implements Event {}
}
