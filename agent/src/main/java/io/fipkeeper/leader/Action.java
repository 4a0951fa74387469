package io.fipkeeper.leader;

import java.time.Duration;

/**
 * Side effects the {@link LeaderStateMachine} asks for; {@link io.fipkeeper.leader.runtime.LeaderLoop} performs them. There is deliberately no
 * action that unassigns the floating IP at Hetzner.
 */
public sealed interface Action {

  /** Grant a lease if needed and campaign ({@link io.fipkeeper.leader.port.ElectionBackend#campaign()}). */
  record Campaign() implements Action {}

  /** Take the floating IP over for {@code term}; the runner fences ({@link io.fipkeeper.leader.port.ElectionBackend#stillLeader}) right before the POST. */
  record Assign(Term term) implements Action {}

  /** Add the address to the interface. */
  record Bind() implements Action {}

  /** Remove the address from the interface. */
  record Unbind() implements Action {}

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
}
