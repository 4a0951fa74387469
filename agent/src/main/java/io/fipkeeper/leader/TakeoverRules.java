package io.fipkeeper.leader;

/**
 * The rules for what Hetzner says: takeover outcomes, reads of the floating IP, and the leader's deadlines around
 * them (the takeover bound, short retries inside it, the re-check after it, the steady verify). Hetzner is the truth
 * about routing; a leader re-assigns when it drifts, a node that is not leader drops an address routed elsewhere.
 * Stateless; every method edits the {@link Transition} it is given.
 */
final class TakeoverRules {

  private TakeoverRules() {}

  /** Ticks in ACQUIRING and LEADING, inside the safe window. */
  static void tick(Transition t) {
    Context c = t.c;
    Acquisition a = c.acquisition();
    if (c.state() == State.ACQUIRING && t.now >= a.deadlineNanos()) {
      t.giveUp(Action.GiveUp.TIMEOUT, "takeover not completed within " + t.settings.takeoverTimeout()
          + (c.lastError() == null ? "" : ", last error: " + c.lastError()));
      return;
    }
    if (t.now >= a.retryAtNanos()) {
      t.b.acquisition = a.retryStarted();
      if (!a.assigned() && !c.routing().assignInFlight()) {
        t.assign();
      }
      if (!c.address().bound()) {
        t.bind();
      }
    }
    Routing r = t.b.routing;
    if (c.state() == State.LEADING && t.now >= r.nextVerifyNanos() && !r.verifyInFlight() && !r.assignInFlight()) {
      t.verify();
      t.b.routing = t.b.routing.verifyAt(t.now + t.settings.verifyInterval().toNanos());
    }
  }

  static void onAssignDone(Transition t, Event.AssignDone d, Event e) {
    Context c = t.c;
    Context.Builder b = t.b;
    b.routing = b.routing.assignEnded().observed(d.serverId());
    boolean here = d.serverId() == t.settings.serverId();
    switch (c.state()) {
      case ACQUIRING, LEADING -> {
        if (here) {
          // also when started by an earlier term: the IP routing here is all the current term needs
          b.acquisition = b.acquisition.done();
          b.routing = b.routing.accepted()
              // read once more a request timeout from now: a stale POST sent before this node won has landed by then
              .verifyAt(t.now + t.settings.recheckDelay().toNanos());
          b.candidacy = b.candidacy.succeeded();
          b.state = State.LEADING;
          t.emit(new Action.PublishHolder(c.term()));
          if (b.address.bound() && b.acquisition.startNanos() != Long.MIN_VALUE) {
            t.emit(new Action.ReportFailover(java.time.Duration.ofNanos(t.now - b.acquisition.startNanos())));
            b.acquisition = b.acquisition.reported();
          }
        } else {
          notHereWhileActing(t);
          if (!c.term().equals(d.term())) {
            t.assign(); // an earlier term's takeover ended elsewhere: start this term's own at once
          } else {
            t.retryLater(t.settings.acquireRetry(b.acquisition.failures() + 1),
                "assign: floating IP is on server " + d.serverId());
          }
        }
      }
      case SUSPENDED -> routedElsewhereWhileSuspended(t, here);
      case STANDBY, CAMPAIGNING -> holdOrRelease(t, here, d.serverId());
      case STEPPING_DOWN -> { }
      default -> throw LeaderStateMachine.unknown(c, e);
    }
  }

  static void onAssignFailed(Transition t, Event.AssignFailed f, Event e) {
    Context c = t.c;
    t.b.routing = t.b.routing.assignEnded();
    t.b.lastError = "assign: " + f.error();
    boolean credentials = f.failure() == Event.Failure.CREDENTIALS;
    switch (c.state()) {
      case ACQUIRING, LEADING, SUSPENDED -> {
        boolean suspended = c.state() == State.SUSPENDED;
        if (credentials) {
          t.b.routing = t.b.routing.rejected(c.term().equals(f.term()));
        }
        if (!c.term().equals(f.term())) {
          if (!suspended) {
            t.assign(); // an earlier term's takeover failed; it says nothing about this term: start its own
          }
        } else if (f.failure() == Event.Failure.FENCED) {
          // the fence answered "not leader" (or could not tell): make it true, then campaign after a pause
          t.emit(new Action.Resign(c.term()));
          t.resignedOut(t.now + t.settings.retryInitial().toNanos());
        } else if (suspended) {
          return; // no retry while not acting; recovering re-issues the assign
        } else if (credentials) {
          t.giveUp(Action.GiveUp.CREDENTIALS, "Hetzner rejected the API token: " + f.error());
        } else if (f.failure() == Event.Failure.PERMANENT) {
          t.giveUp(Action.GiveUp.FAILED, "assign failed and retrying cannot help: " + f.error());
        } else {
          t.retryLater(t.settings.acquireRetry(t.b.acquisition.failures() + 1), t.b.lastError);
        }
      }
      case STANDBY, CAMPAIGNING, STEPPING_DOWN -> {
        if (credentials) {
          t.b.routing = t.b.routing.rejected(false);
        }
        if (c.state() != State.STEPPING_DOWN && t.b.address.bound() && !t.routedHere()) {
          t.release(false, "the lost term's assign failed and Hetzner does not route the IP here");
        }
      }
      default -> throw LeaderStateMachine.unknown(c, e);
    }
  }

  static void onVerifyResult(Transition t, Event.VerifyResult v, Event e) {
    Context c = t.c;
    t.b.routing = t.b.routing.verifyEnded().observed(v.serverId());
    boolean here = v.serverId() != null && v.serverId() == t.settings.serverId();
    if (c.routing().credentialsRejected() && c.state() == State.STANDBY) {
      t.b.candidacy = t.b.candidacy.due(t.now); // the token works again (rotated): the sit-out is over
    }
    switch (c.state()) {
      case LEADING -> {
        if (!here) {
          t.emit(new Action.ReportRepair(Action.Repair.REASSIGN, "floating IP routed to server " + v.serverId()
              + " while this node leads"));
          t.b.lastError = "floating IP drifted to server " + v.serverId();
          notHereWhileActing(t);
          if (!c.routing().assignInFlight()) {
            t.assign();
          }
        }
      }
      case SUSPENDED -> routedElsewhereWhileSuspended(t, here);
      case STANDBY, CAMPAIGNING -> holdOrRelease(t, here, v.serverId());
      case ACQUIRING, STEPPING_DOWN -> { }
      default -> throw LeaderStateMachine.unknown(c, e);
    }
  }

  static void onVerifyFailed(Transition t, Event.VerifyFailed f) {
    t.b.routing = t.b.routing.verifyEnded();
    t.b.lastError = "verify: " + f.error();
    if (f.failure() == Event.Failure.CREDENTIALS) {
      boolean check = t.c.state() == State.STANDBY;
      t.b.routing = t.b.routing.rejected(check);
      if (check) { // a failed credentials check lengthens the sit-out like a failed takeover does
        t.b.candidacy = t.b.candidacy.due(t.now + t.settings.credentialsSitOut(t.b.routing.rejections()).toNanos());
      }
    }
    // no evidence either way: the address stays as it is, and the next read comes on its schedule
  }

  /**
   * A new token while Hetzner rejects the old one: the sit-out and the verify schedule waited for exactly this, so the
   * token is checked with one read now (spaced by {@link LeaderSettings#CREDENTIALS_CHANGE_CHECK_SPACING}) instead of
   * after up to {@link LeaderSettings#CREDENTIALS_SIT_OUT_MAX}. A standby campaigns once the read works (as after any
   * credentials check); a leader's read clears the flag and the alert. While the endpoint is dark because no node's
   * token works, this is the time from the operator's fix to the takeover.
   */
  static void onCredentialsChanged(Transition t, Event e) {
    Context c = t.c;
    if (!c.routing().credentialsRejected()) {
      return; // nothing waits for a new token: it is used from the next request on
    }
    long checkAt = Math.max(t.now, t.b.routing.extraVerifyAllowedAt(LeaderSettings.CREDENTIALS_CHANGE_CHECK_SPACING));
    switch (c.state()) {
      case STANDBY, CAMPAIGNING -> {
        if (checkAt < c.candidacy().campaignAtNanos()) {
          t.b.candidacy = t.b.candidacy.due(checkAt); // maybeCampaign checks the token before it campaigns
        }
      }
      case LEADING -> {
        if (checkAt < c.routing().nextVerifyNanos()) {
          t.b.routing = t.b.routing.verifyAt(checkAt);
        }
      }
      case ACQUIRING, SUSPENDED, STEPPING_DOWN -> { } // the takeover's own requests, or none until it acts again
      default -> throw LeaderStateMachine.unknown(c, e);
    }
  }

  /** The IP is not routed here while this node acts as leader: back to ACQUIRING, bounded again. */
  private static void notHereWhileActing(Transition t) {
    if (t.b.acquisition.assigned() || t.c.state() == State.LEADING) {
      t.b.acquisition = t.b.acquisition.notAssigned().restarted(t.now + t.settings.takeoverTimeout().toNanos());
    }
    t.b.state = State.ACQUIRING;
  }

  private static void routedElsewhereWhileSuspended(Transition t, boolean here) {
    if (here) {
      t.b.acquisition = t.b.acquisition.done();
    } else {
      t.b.acquisition = t.b.acquisition.notAssigned();
      if (t.b.address.bound()) {
        t.unbind(); // Hetzner no longer routes the IP here: nothing left to keep
      }
    }
  }

  /** A node that is not leader keeps a bound address only while Hetzner routes the IP to its server. */
  private static void holdOrRelease(Transition t, boolean here, Long server) {
    if (!t.b.address.bound()) {
      return;
    }
    if (!here) {
      boolean foundBound = t.c.address().holdEpoch() == 0;
      t.release(foundBound, "floating IP routes to server " + server + ", not here");
    }
  }
}
