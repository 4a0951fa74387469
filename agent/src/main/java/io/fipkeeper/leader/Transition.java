package io.fipkeeper.leader;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One event's edit in progress inside {@link LeaderStateMachine#next}: a mutable copy of the context plus the actions
 * emitted so far, with the moves shared by several rules (campaign, acquire, step out, give up, hold or release the
 * address, bind, assign, verify). Confined to one call; never escapes it.
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

  // ---- deadlines of the lease

  /** When the leader must stop acting unless a newer keep-alive is confirmed. */
  long suspendDeadline(Lease lease) {
    return saturatedPlus(lease.confirmedSentNanos(), settings.safeWindow(lease.ttl()));
  }

  /** When the lease has certainly expired by this node's clock unless a newer keep-alive is confirmed. */
  long leaseExpiry(Lease lease) {
    return saturatedPlus(lease.confirmedSentNanos(), lease.ttl());
  }

  private static long saturatedPlus(long at, Duration d) {
    return at == Long.MIN_VALUE ? Long.MIN_VALUE : at + d.toNanos();
  }

  boolean routedHere() {
    return b.routing.routesTo(settings.serverId());
  }

  // ---- election

  /** Issues the next campaign; it must be answered by the campaign-answer deadline or it is asked again. */
  void campaign() {
    long answerBy = now + settings.campaignAnswerTimeout().toNanos();
    b.candidacy = c.state() == State.CAMPAIGNING ? b.candidacy.askedAgain(answerBy) : b.candidacy.issued(now, answerBy);
    b.state = State.CAMPAIGNING;
    emit(new Action.Campaign(b.candidacy.attempt()));
  }

  /** Campaigns when allowed and due; a node whose token was rejected first checks it with one read instead. */
  void maybeCampaign() {
    if (!b.apiserverHealthy || b.shuttingDown || now < b.candidacy.campaignAtNanos()) {
      return;
    }
    if (b.routing.credentialsRejected()) {
      b.candidacy = b.candidacy.due(now + settings.credentialsSitOut(Math.max(1, b.routing.rejections())).toNanos());
      if (!b.routing.verifyInFlight()) {
        verify();
      }
      return;
    }
    campaign();
  }

  /** Wins {@code term}: bind first (Hetzner routes the IP to one server only, so it is safe), then assign. */
  void acquire(Term term) {
    clearTerm();
    b.term = term;
    b.candidacy = b.candidacy.won();
    b.acquisition = Acquisition.started(now, now + settings.takeoverTimeout().toNanos());
    if (term.leaseId() != b.lease.id()) {
      // no keep-alive seen for this lease yet: it was granted after the Campaign was issued
      b.lease = b.lease.unconfirmed(term.leaseId(), b.candidacy.campaignIssuedNanos(), settings.leaseTtl());
    }
    if (b.address.bound()) {
      b.address = b.address.heldUnder(term.revision()).releaseBy(NEVER);
    }
    if (now >= suspendDeadline(b.lease)) {
      b.state = State.SUSPENDED; // won, but the lease is not confirmed fresh enough to act on
      return;
    }
    b.state = State.ACQUIRING;
    if (!b.address.bound()) {
      bind();
    }
    if (!b.routing.assignInFlight()) {
      assign();
    }
  }

  /**
   * Leaves ACQUIRING/LEADING/SUSPENDED without resigning: the term is lost (etcd says so, or a newer leader exists).
   * The address stays while Hetzner routes the IP here or this term's assign is still in flight (its outcome decides),
   * re-checked from now on; campaigns at {@code campaignAtNanos}.
   */
  void stepOut(long campaignAtNanos) {
    leave(campaignAtNanos, true);
  }

  /** Like {@link #stepOut} for a term this node gives up itself: an assign still in flight is no reason to stay. */
  void resignedOut(long campaignAtNanos) {
    leave(campaignAtNanos, false);
  }

  private void leave(long campaignAtNanos, boolean waitForAssign) {
    long epoch = b.term.revision();
    clearTerm();
    if (waitForAssign && b.routing.assignInFlight() && b.address.bound()) {
      b.address = b.address.heldUnder(epoch);
      b.routing = b.routing.holdStarted(now + settings.holdCheckDelay(1).toNanos());
    } else {
      keepOrRelease(epoch);
    }
    if (campaignAtNanos <= now && b.apiserverHealthy && !b.shuttingDown) {
      campaign();
    } else {
      b.state = State.STANDBY;
      b.candidacy = b.candidacy.due(campaignAtNanos);
    }
  }

  /** Resigns a won term whose takeover could not complete, and sits out so that another node wins. */
  void giveUp(Action.GiveUp reason, String detail) {
    emit(new Action.Resign(b.term));
    emit(new Action.ReportGiveUp(reason, detail));
    b.lastResignation = detail;
    Duration sitOut = reason == Action.GiveUp.CREDENTIALS
        ? settings.credentialsSitOut(Math.max(1, b.routing.rejections()))
        : settings.backoff(b.candidacy.abandonedTerms() + 1);
    b.candidacy = b.candidacy.abandoned(now + sitOut.toNanos());
    resignedOut(now + sitOut.toNanos());
  }

  void suspend() {
    b.state = State.SUSPENDED;
    b.acquisition = b.acquisition.retryStarted();
    b.lastError = "keep-alive not confirmed within " + settings.safeWindow(c.lease().ttl());
  }

  void clearTerm() {
    b.term = null;
    b.acquisition = Acquisition.NONE;
  }

  // ---- the address

  /** Keeps a bound address while Hetzner routes the IP here (re-checked from now on), else removes it. */
  void keepOrRelease(long epoch) {
    if (!b.address.bound()) {
      return;
    }
    if (routedHere()) {
      b.address = b.address.heldUnder(epoch);
      b.routing = b.routing.holdStarted(now + settings.holdCheckDelay(1).toNanos());
    } else {
      unbind();
    }
  }

  /** Removes an address this node should not have; {@code repair} when it was not put there by this run's term. */
  void release(boolean repair, String why) {
    if (repair) {
      emit(new Action.ReportRepair(Action.Repair.RELEASE, why));
    }
    unbind();
  }

  /** Starts the bounded wait of a voluntary handover unless one is already running (it never gets longer). */
  void armRelease(Duration within) {
    if (b.address.bound() && b.address.releaseAtNanos() == NEVER) {
      b.address = b.address.releaseBy(now + within.toNanos());
    }
  }

  void expireRelease() {
    if (b.address.bound() && now >= b.address.releaseAtNanos()) {
      unbind();
    }
  }

  void finishStepDown() {
    if (b.address.bound()) {
      unbind();
    }
    if (b.shuttingDown) {
      b.state = State.STOPPED;
    } else {
      b.state = State.STANDBY;
      b.candidacy = b.candidacy.due(now);
    }
  }

  void bind() {
    b.address = b.address.binding(b.term == null ? 0 : b.term.revision());
    emit(new Action.Bind());
  }

  void unbind() {
    b.address = b.address.unbinding();
    emit(new Action.Unbind());
  }

  // ---- Hetzner

  void assign() {
    b.routing = b.routing.assignIssued();
    emit(new Action.Assign(b.term));
  }

  void verify() {
    b.routing = b.routing.verifyIssued(now);
    emit(new Action.VerifyAssignment());
  }

  void retryLater(Duration delay, String reason) {
    b.acquisition = b.acquisition.failed(now + delay.toNanos());
    emit(new Action.ScheduleRetry(delay, reason));
  }
}
