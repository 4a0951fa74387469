package io.fipkeeper.leader;

import java.time.Duration;

/**
 * Side effects the {@link LeaderStateMachine} asks for; {@link io.fipkeeper.leader.runtime.LeaderLoop} performs them,
 * each on the one thread that owns its external system (etcd, Hetzner, the kernel). There is deliberately no action
 * that unassigns the floating IP at Hetzner.
 */
public sealed interface Action {

  /** Why a won term was given up before its takeover completed. */
  enum GiveUp {
    /** {@code takeoverTimeout} passed without Hetzner routing the IP here. */
    TIMEOUT,
    /** Hetzner rejected the token (401/403). */
    CREDENTIALS,
    /** Hetzner refused the assign in a way that retrying cannot fix. */
    FAILED
  }

  /** What a repair put right. */
  enum Repair {
    /** The leader's address was removed behind its back: bound again. */
    REBIND,
    /** Hetzner routed the IP elsewhere while this node led: assigned again (fenced). */
    REASSIGN,
    /** An address was bound here while Hetzner routes the IP elsewhere (or a newer holder has it): removed. */
    RELEASE
  }

  /**
   * Grant a lease if needed and campaign ({@link io.fipkeeper.leader.port.ElectionBackend#campaign(long)}); the
   * answer (won, queued, failed or superseded) carries {@code attempt}.
   */
  record Campaign(long attempt) implements Action {}

  /** Take the floating IP over for {@code term}; the runner fences right before every POST. */
  record Assign(Term term) implements Action {}

  /** Add the address to the interface. */
  record Bind() implements Action {}

  /** Remove the address from the interface. */
  record Unbind() implements Action {}

  /** Read the interface's addresses (the kernel's answer comes back as an event). */
  record ObserveAddress() implements Action {}

  /** Write the holder record for {@code term} (fenced by the backend). */
  record PublishHolder(Term term) implements Action {}

  /** Delete the term's leader key so the next candidate wins at once. */
  record Resign(Term term) implements Action {}

  /** Revoke this agent's lease. */
  record Revoke() implements Action {}

  /** Read where Hetzner routes the IP now (one GET). */
  record VerifyAssignment() implements Action {}

  /**
   * A takeover step failed and will be tried again after {@code delay}. The machine keeps the deadline itself and
   * re-issues the step on the first tick past it; the runner only reports this (log, metrics).
   */
  record ScheduleRetry(Duration delay, String reason) implements Action {}

  /** Assign and bind both completed for the term; {@code elapsed} counts from the election win. */
  record ReportFailover(Duration elapsed) implements Action {}

  /** The term was given up ({@link Resign} comes with it); report why (log, metric, {@code /status}). */
  record ReportGiveUp(GiveUp reason, String detail) implements Action {}

  /**
   * A recovery from SUSPENDED would have read Hetzner, but a read went out less than
   * {@link LeaderSettings#RECOVERY_VERIFY_SPACING} ago: the read comes {@code in} from now instead (metric, log).
   */
  record ReportVerifyDeferred(Duration in) implements Action {}

  /** A repair is under way (its Bind/Unbind/Assign comes with it); report it once (log, metric). */
  record ReportRepair(Repair repair, String detail) implements Action {}
}
