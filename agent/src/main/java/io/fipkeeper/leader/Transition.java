package io.fipkeeper.leader;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One event's edit in progress inside {@link LeaderStateMachine#next}: a mutable copy of the context plus the actions
 * emitted so far, with the moves shared by several transitions (step out, suspend, hand over, bind, assign). Confined
 * to one call; never escapes it.
 */
final class Transition {
  private static final long NEVER = Context.NEVER;

  final LeaderSettings settings;
  final Context c;
  final Context.Builder b;
  final long now;
  private final List<Action> actions = new ArrayList<>(4);

  Transition(LeaderSettings settings, Context c, long now) {
    this.settings = settings;
    this.c = c;
    this.b = c.toBuilder();
    this.now = now;
  }

  void emit(Action a) {
    actions.add(a);
  }

  LeaderStateMachine.Step done() {
    return new LeaderStateMachine.Step(b.build(), actions);
  }

  /** Leaves ACQUIRING/LEADING/SUSPENDED without resigning: the address stays for the handover window. */
  void stepOut(boolean campaignNow) {
    clearTerm();
    armHandover();
    if (campaignNow && b.apiserverHealthy && !b.shuttingDown) {
      b.state = State.CAMPAIGNING;
      b.campaignIssuedNanos = now;
      emit(new Action.Campaign());
    } else {
      b.state = State.STANDBY;
      b.campaignAtNanos = campaignNow ? now : now + settings.retryInitial().toNanos();
    }
  }

  void suspend() {
    b.state = State.SUSPENDED;
    b.retryAtNanos = NEVER;
    b.lastError = "keep-alive not confirmed within " + settings.safeWindow(c.leaseTtl());
    armHandover();
  }

  void finishStepDown() {
    if (b.bound) {
      unbind();
    }
    b.handoverDeadlineNanos = NEVER;
    if (b.shuttingDown) {
      b.state = State.STOPPED;
    } else {
      b.state = State.STANDBY;
      b.campaignAtNanos = now;
    }
  }

  void maybeCampaign() {
    if (b.apiserverHealthy && !b.shuttingDown && now >= b.campaignAtNanos) {
      b.state = State.CAMPAIGNING;
      b.campaignIssuedNanos = now;
      emit(new Action.Campaign());
    }
  }

  void expireHandover() {
    if (b.bound && now >= b.handoverDeadlineNanos) {
      unbind();
    }
  }

  /** Starts the handover window unless one is already running (it never gets longer). */
  void armHandover() {
    if (b.bound && b.handoverDeadlineNanos == NEVER) {
      b.handoverDeadlineNanos = now + settings.handoverTimeout().toNanos();
    }
  }

  void retryLater(Duration delay, String reason) {
    b.failures++;
    b.retryAtNanos = now + delay.toNanos();
    emit(new Action.ScheduleRetry(delay, reason));
  }

  void assign() {
    b.assignInFlight = true;
    emit(new Action.Assign(b.term));
  }

  void bind() {
    b.bound = true;
    emit(new Action.Bind());
  }

  void unbind() {
    b.bound = false;
    b.handoverDeadlineNanos = NEVER;
    emit(new Action.Unbind());
  }

  void clearTerm() {
    b.term = null;
    b.assigned = false;
    b.failures = 0;
    b.retryAtNanos = NEVER;
    b.nextVerifyNanos = NEVER;
    b.termStartNanos = Long.MIN_VALUE;
  }
}
