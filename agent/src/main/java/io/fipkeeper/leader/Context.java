package io.fipkeeper.leader;

import java.time.Duration;

/**
 * Everything the {@link LeaderStateMachine} remembers between two events. Immutable; deadlines are readings of the
 * loop's {@link io.fipkeeper.time.Ticker}, {@link #NEVER} when not armed.
 *
 * @param state the current state
 * @param term the term this node holds or is acquiring; non-null exactly in ACQUIRING, LEADING and SUSPENDED
 * @param leaseId the lease the last confirmed keep-alive (or the term) belongs to; 0 when none is known
 * @param lastKeepAliveSentNanos lower bound of when etcd last renewed {@code leaseId}
 * @param leaseTtl TTL of that lease: min(configured, reported by etcd)
 * @param apiserverHealthy the last apiserver verdict (true from the start when the probe is disabled)
 * @param shuttingDown a Shutdown arrived; never campaign again
 * @param bound the machine asked for the address to be bound (and no failure came back)
 * @param assigned Hetzner reported the IP on this server during the current term
 * @param assignedServer the server Hetzner last reported for the IP (null: unknown or unassigned)
 * @param assignInFlight an Assign was issued and its outcome has not arrived
 * @param verifyInFlight a VerifyAssignment was issued and its outcome has not arrived
 * @param failures consecutive assign/bind failures in this term (drives the backoff)
 * @param campaignFailures consecutive campaign failures (drives the campaign backoff)
 * @param retryAtNanos when to retry the failed part of the takeover (assign and/or bind)
 * @param campaignAtNanos earliest time of the next campaign
 * @param campaignIssuedNanos when the last Campaign was issued: a lower bound of a fresh lease's grant time
 * @param handoverDeadlineNanos when a no-longer-confirmed leader must unbind at the latest
 * @param nextVerifyNanos when LEADING verifies the assignment next
 * @param termStartNanos when the current term was won (failover duration origin)
 * @param leaderSeen the node the election last named leader
 * @param holderSeen the last holder record seen
 * @param lastError the last error reported (secret-free) or null
 */
public record Context(
    State state,
    Term term,
    long leaseId,
    long lastKeepAliveSentNanos,
    Duration leaseTtl,
    boolean apiserverHealthy,
    boolean shuttingDown,
    boolean bound,
    boolean assigned,
    Long assignedServer,
    boolean assignInFlight,
    boolean verifyInFlight,
    int failures,
    int campaignFailures,
    long retryAtNanos,
    long campaignAtNanos,
    long campaignIssuedNanos,
    long handoverDeadlineNanos,
    long nextVerifyNanos,
    long termStartNanos,
    String leaderSeen,
    HolderRecord holderSeen,
    String lastError) {

  /** Deadline value meaning "not armed". */
  public static final long NEVER = Long.MAX_VALUE;

  /** The context an agent starts with: STANDBY, nothing bound, campaign due as soon as the apiserver is healthy. */
  public static Context initial(LeaderSettings settings) {
    return new Context(State.STANDBY, null, 0, Long.MIN_VALUE, settings.leaseTtl(),
        !settings.apiserverProbeEnabled(), false, false, false, null, false, false, 0, 0,
        NEVER, Long.MIN_VALUE, Long.MIN_VALUE, NEVER, NEVER, Long.MIN_VALUE, null, null, null);
  }

  Builder toBuilder() {
    return new Builder(this);
  }

  /** Mutable copy used only inside one {@link LeaderStateMachine#next} call. */
  static final class Builder {
    State state;
    Term term;
    long leaseId;
    long lastKeepAliveSentNanos;
    Duration leaseTtl;
    boolean apiserverHealthy;
    boolean shuttingDown;
    boolean bound;
    boolean assigned;
    Long assignedServer;
    boolean assignInFlight;
    boolean verifyInFlight;
    int failures;
    int campaignFailures;
    long retryAtNanos;
    long campaignAtNanos;
    long campaignIssuedNanos;
    long handoverDeadlineNanos;
    long nextVerifyNanos;
    long termStartNanos;
    String leaderSeen;
    HolderRecord holderSeen;
    String lastError;

    Builder(Context c) {
      state = c.state;
      term = c.term;
      leaseId = c.leaseId;
      lastKeepAliveSentNanos = c.lastKeepAliveSentNanos;
      leaseTtl = c.leaseTtl;
      apiserverHealthy = c.apiserverHealthy;
      shuttingDown = c.shuttingDown;
      bound = c.bound;
      assigned = c.assigned;
      assignedServer = c.assignedServer;
      assignInFlight = c.assignInFlight;
      verifyInFlight = c.verifyInFlight;
      failures = c.failures;
      campaignFailures = c.campaignFailures;
      retryAtNanos = c.retryAtNanos;
      campaignAtNanos = c.campaignAtNanos;
      campaignIssuedNanos = c.campaignIssuedNanos;
      handoverDeadlineNanos = c.handoverDeadlineNanos;
      nextVerifyNanos = c.nextVerifyNanos;
      termStartNanos = c.termStartNanos;
      leaderSeen = c.leaderSeen;
      holderSeen = c.holderSeen;
      lastError = c.lastError;
    }

    Context build() {
      return new Context(state, term, leaseId, lastKeepAliveSentNanos, leaseTtl, apiserverHealthy, shuttingDown,
          bound, assigned, assignedServer, assignInFlight, verifyInFlight, failures, campaignFailures, retryAtNanos,
          campaignAtNanos, campaignIssuedNanos, handoverDeadlineNanos, nextVerifyNanos, termStartNanos, leaderSeen,
          holderSeen, lastError);
    }
  }
}
