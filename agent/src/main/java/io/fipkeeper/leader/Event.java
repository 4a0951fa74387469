package io.fipkeeper.leader;

/**
 * Inputs of the {@link LeaderStateMachine}: election facts, what Hetzner and the kernel showed, probe verdicts, ticks
 * and shutdown. Every event is an immutable value; time travels separately as the {@code nowNanos} argument of
 * {@link LeaderStateMachine#next}, except for {@link KeepAliveOk#sentNanos()}, a reading of the same ticker. The
 * runtime maps the ports' facts to these events; the core knows nothing of the ports.
 */
public sealed interface Event {

  /** How a takeover or a read at Hetzner failed, which decides what the machine does next. */
  enum Failure {
    /** Trying again soon may work (429, 5xx, locked, network, timeouts). */
    RETRYABLE,
    /** Trying again will not work (the floating IP is gone, invalid input). */
    PERMANENT,
    /** The fencing check refused the POST: this node is no longer leader; nothing was sent. */
    FENCED,
    /** Hetzner rejected the token (401/403): a distinct, alertable condition. */
    CREDENTIALS
  }

  /** This node's key became the leader key. */
  record ElectionWon(Term term) implements Event {}

  /**
   * The election names {@code node} leader (null: no leader key), whose key has create revision {@code revision}
   * (0 without a leader), as read at store revision {@code asOf}; {@code serverId} is the leader's server id when its
   * key records one, else 0. No leader as of a revision at or after a term's own create revision means that term's
   * key is gone.
   */
  record LeaderSeen(String node, long serverId, long revision, long asOf) implements Event {
    /** A leader read whose store revision is only known to be at least the leader key's. */
    public LeaderSeen(String node, long serverId, long revision) {
      this(node, serverId, revision, revision);
    }
  }

  /** etcd confirmed a keep-alive for {@code leaseId} that was sent no earlier than {@code sentNanos}. */
  record KeepAliveOk(long leaseId, long ttlSeconds, long sentNanos) implements Event {}

  /** A keep-alive failed or was not answered in time; usually transient. Deadlines, not this event, suspend. */
  record KeepAliveError(long leaseId, String reason) implements Event {}

  /** The lease is gone for sure. */
  record LeaseGone(long leaseId) implements Event {}

  /**
   * At start-up this agent took over the lease of its previous run (same node and server), whose election key is
   * still alive: campaigning with it keeps the key's place (and its term, if it leads).
   */
  record LeaseAdopted(long leaseId) implements Event {}

  /** A newer run of this agent (same node and server) adopted this run's lease: stop acting, touch nothing. */
  record Superseded(long leaseId, String by) implements Event {}

  /** Campaign {@code attempt} failed (etcd unreachable, lease grant refused, its lease gone). */
  record CampaignFailed(long attempt, String reason) implements Event {}

  /**
   * Campaign {@code attempt} is in place: this agent's key waits in the election behind the leader; the win comes as
   * {@link ElectionWon}.
   */
  record CampaignQueued(long attempt) implements Event {}

  /** Campaign {@code attempt} was abandoned by the backend (a revoke, a newer run took the lease over). */
  record CampaignSuperseded(long attempt, String reason) implements Event {}

  /** The published holder record changed (null: deleted). */
  record HolderChanged(HolderRecord holder) implements Event {}

  /** The takeover started for {@code term} finished; Hetzner now reports the IP on {@code serverId}. */
  record AssignDone(Term term, long serverId) implements Event {}

  /** The takeover started for {@code term} failed. */
  record AssignFailed(Term term, Failure failure, String error) implements Event {}

  /** A read of the floating IP finished; {@code serverId} is where Hetzner routes it (null: unassigned). */
  record VerifyResult(Long serverId) implements Event {}

  /** A read of the floating IP failed; only {@link Failure#CREDENTIALS} is told apart. */
  record VerifyFailed(Failure failure, String error) implements Event {}

  /**
   * The kernel showed the address {@code bound} or not, read after {@code opsDone} binds/unbinds had run (a read
   * that missed one the machine issued is stale and ignored).
   */
  record AddressObserved(boolean bound, long opsDone) implements Event {}

  /** Reading the interface's addresses failed; nothing is concluded from it. */
  record AddressUnreadable(String error) implements Event {}

  /** Adding the address to the interface failed. */
  record BindFailed(String error) implements Event {}

  /** Removing the address from the interface failed. */
  record UnbindFailed(String error) implements Event {}

  /** The local apiserver probe changed its verdict (or repeated it). */
  record ApiserverHealth(boolean ok) implements Event {}

  /**
   * The API token this node sends changed (a rotated Secret, as kubelet writes it into the mounted file). Says nothing
   * about whether Hetzner accepts it: a node that sits out over a rejected token checks it with one read.
   */
  record CredentialsChanged() implements Event {}

  /** Time passed; all deadlines are checked on ticks. */
  record Tick() implements Event {}

  /** Stop: resign, revoke, hand over, unbind, then STOPPED. */
  record Shutdown() implements Event {}
}
