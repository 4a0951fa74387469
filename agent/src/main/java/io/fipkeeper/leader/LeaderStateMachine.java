package io.fipkeeper.leader;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The leader state machine: a pure function from (context, event, now) to (context, actions). No I/O, no clock
 * read, no threads; {@link io.fipkeeper.leader.runtime.LeaderLoop} feeds it and performs the actions. Every (state, event) pair that can occur
 * is handled explicitly; anything else throws {@link IllegalStateException}. STOPPED ignores everything.
 *
 * <p><b>SUSPENDED vs lost.</b> A missing keep-alive answer is not a lost lease: etcd may just be slow or a member
 * may be electing. The leader stops acting (no assign, no publish) once no keep-alive was confirmed for the safe
 * window, {@code TTL - max(keepAliveInterval, 500ms)}, counted from when the last confirmed keep-alive was sent
 * (a lower bound of when etcd renewed the lease, so the lease cannot have expired inside the window). That is
 * SUSPENDED: the IP stays assigned at Hetzner and the address stays bound, at most {@code handoverTimeout}. A
 * keep-alive for the same lease brings it straight back to LEADING (the lease never expired, so the key and thus
 * the leadership were never lost) with one VerifyAssignment to catch a stray assign made meanwhile. The lease is
 * lost on LeaseGone, on a newer leader or holder, on a fenced assign, or when the full TTL has passed since the
 * last confirmed send: then someone else may lead, and the agent campaigns again.
 *
 * <p><b>Fencing and its limits.</b> Every Assign is fenced by the runner right before the POST (lease alive and
 * leader key revision unchanged). Hetzner has no conditional assign, so a POST that passed the fence can still land
 * after the lease expired and race the next leader's POST. The fence narrows that race to one request; the
 * takeover re-reads the IP after the action and the LEADING verify loop re-assigns on drift, so the last
 * legitimate leader wins within one verify interval.
 *
 * <p><b>Never unassign.</b> No action unassigns the IP: losing leadership, an etcd outage or a shutdown keeps the
 * IP routed to the last holder, which serves as long as its apiserver does; the next leader simply assigns it to
 * itself. Unassigning would turn every etcd hiccup into an outage.
 *
 * <p><b>Handover window.</b> A node that stops being a confirmed leader keeps the address bound until a holder
 * record names another node or {@code handoverTimeout} passes, then unbinds: Hetzner routes the IP to exactly one
 * server, so a stale local binding only matters once the IP is elsewhere, and unbinding early would drop
 * connections while the IP still routes here.
 */
public final class LeaderStateMachine {

  /** The outcome of one event: the new context and the actions to perform, in order. */
  public record Step(Context context, List<Action> actions) {
    public Step {
      Objects.requireNonNull(context, "context");
      actions = List.copyOf(actions);
    }

    public State state() {
      return context.state();
    }
  }

  private static final long NEVER = Context.NEVER;

  private final LeaderSettings settings;

  public LeaderStateMachine(LeaderSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  public LeaderSettings settings() {
    return settings;
  }

  /** The start context: STANDBY, nothing bound, campaign due once the apiserver is healthy. */
  public Context initial() {
    return Context.initial(settings);
  }

  /** When the leader must stop acting unless a newer keep-alive is confirmed. */
  public long suspendDeadline(Context c) {
    return c.lastKeepAliveSentNanos() + settings.safeWindow(c.leaseTtl()).toNanos();
  }

  /** When the lease has certainly expired by this node's clock unless a newer keep-alive is confirmed. */
  public long leaseExpiry(Context c) {
    return c.lastKeepAliveSentNanos() + c.leaseTtl().toNanos();
  }

  /** Applies one event. Pure: the same arguments always give the same step. */
  public Step next(Context c, Event e, long now) {
    Objects.requireNonNull(c, "context");
    Objects.requireNonNull(e, "event");
    Transition t = new Transition(settings, c, now);
    if (c.state() == State.STOPPED) {
      return t.done(); // terminal: late completions and ticks change nothing
    }
    if (e instanceof Event.Tick) {
      onTick(t, e);
    } else if (e instanceof Event.ElectionWon w) {
      onElectionWon(t, w, e);
    } else if (e instanceof Event.LeaderSeen s) {
      onLeaderSeen(t, s, e);
    } else if (e instanceof Event.KeepAliveOk k) {
      onKeepAliveOk(t, k, e);
    } else if (e instanceof Event.KeepAliveError k) {
      t.b.lastError = "keep-alive: " + k.reason(); // transient by jetcd's semantics: deadlines decide, not errors
    } else if (e instanceof Event.LeaseGone g) {
      onLeaseGone(t, g, e);
    } else if (e instanceof Event.CampaignFailed f) {
      onCampaignFailed(t, f);
    } else if (e instanceof Event.HolderChanged h) {
      onHolderChanged(t, h, e);
    } else if (e instanceof Event.AssignDone d) {
      onAssignDone(t, d, e);
    } else if (e instanceof Event.AssignFailed f) {
      onAssignFailed(t, f, e);
    } else if (e instanceof Event.VerifyResult v) {
      onVerifyResult(t, v, e);
    } else if (e instanceof Event.VerifyFailed f) {
      t.b.verifyInFlight = false;
      t.b.lastError = "verify: " + f.error(); // the next verify comes at the regular interval
    } else if (e instanceof Event.BindFailed f) {
      onBindFailed(t, f, e);
    } else if (e instanceof Event.UnbindFailed f) {
      onUnbindFailed(t, f, e);
    } else if (e instanceof Event.ApiserverHealth h) {
      onApiserverHealth(t, h, e);
    } else if (e instanceof Event.Shutdown) {
      onShutdown(t, e);
    } else {
      throw unknown(c, e);
    }
    return t.done();
  }

  private void onTick(Transition t, Event e) {
    Context c = t.c;
    switch (c.state()) {
      case STANDBY -> {
        t.expireHandover();
        t.maybeCampaign();
      }
      case CAMPAIGNING -> t.expireHandover();
      case ACQUIRING, LEADING -> {
        if (t.now >= suspendDeadline(c)) {
          t.suspend();
          return;
        }
        if (t.now >= c.retryAtNanos()) {
          t.b.retryAtNanos = NEVER;
          if (!c.assigned() && !c.assignInFlight()) {
            t.assign();
          }
          if (!c.bound()) {
            t.bind();
          }
        }
        if (c.state() == State.LEADING && t.now >= c.nextVerifyNanos() && !c.verifyInFlight() && !c.assignInFlight()) {
          t.b.verifyInFlight = true;
          t.b.nextVerifyNanos = t.now + settings.verifyInterval().toNanos();
          t.emit(new Action.VerifyAssignment());
        }
      }
      case SUSPENDED -> {
        if (t.now >= leaseExpiry(c)) {
          t.b.lastError = "lease expired by local clock: no keep-alive confirmed for " + c.leaseTtl();
          t.stepOut(true);
          return;
        }
        t.expireHandover();
      }
      case STEPPING_DOWN -> {
        if (t.now >= c.handoverDeadlineNanos()) {
          t.finishStepDown();
        }
      }
      default -> throw unknown(c, e);
    }
  }

  private void onElectionWon(Transition t, Event.ElectionWon w, Event e) {
    Context c = t.c;
    switch (c.state()) {
      case STANDBY, CAMPAIGNING -> {
        if (c.apiserverHealthy() && !c.shuttingDown()) {
          acquire(t, w.term());
        } else {
          t.emit(new Action.Resign(w.term())); // won a campaign we no longer want
        }
      }
      case STEPPING_DOWN -> t.emit(new Action.Resign(w.term()));
      case ACQUIRING, LEADING, SUSPENDED -> {
        if (w.term().revision() > c.term().revision()) {
          acquire(t, w.term()); // our old key is gone and a newer one of ours leads: act for the newer term
        } else if (!w.term().equals(c.term())) {
          throw unknown(c, e); // an older term cannot win after a newer one
        }
      }
      default -> throw unknown(c, e);
    }
  }

  private void acquire(Transition t, Term term) {
    Context.Builder b = t.b;
    t.clearTerm();
    b.term = term;
    b.campaignFailures = 0;
    b.termStartNanos = t.now;
    if (term.leaseId() != t.c.leaseId()) {
      // no keep-alive seen for this lease yet: it was granted after the Campaign was issued
      b.leaseId = term.leaseId();
      b.lastKeepAliveSentNanos = t.c.campaignIssuedNanos();
      b.leaseTtl = settings.leaseTtl();
    }
    if (t.now >= suspendDeadline(b.build())) {
      b.state = State.SUSPENDED; // won, but the lease is not confirmed fresh enough to act on
      return;
    }
    b.state = State.ACQUIRING;
    b.handoverDeadlineNanos = NEVER;
    // Binding first is safe (Hetzner routes the IP only to the assigned server) and saves failover time.
    t.bind();
    if (!t.c.assignInFlight()) {
      t.assign();
    }
  }

  private void onLeaderSeen(Transition t, Event.LeaderSeen s, Event e) {
    Context c = t.c;
    t.b.leaderSeen = s.node();
    switch (c.state()) {
      case STANDBY, CAMPAIGNING, STEPPING_DOWN -> { }
      case ACQUIRING, LEADING, SUSPENDED -> {
        boolean newer = s.revision() > c.term().revision();
        if (newer && !settings.node().equals(s.node())) {
          t.b.lastError = "leader key changed: leader=" + s.node();
          t.stepOut(true);
        }
      }
      default -> throw unknown(c, e);
    }
  }

  private void onKeepAliveOk(Transition t, Event.KeepAliveOk k, Event e) {
    Context c = t.c;
    if (k.ttlSeconds() <= 0) {
      onLeaseGone(t, new Event.LeaseGone(k.leaseId()), e);
      return;
    }
    switch (c.state()) {
      case STANDBY, CAMPAIGNING -> recordKeepAlive(t, k);
      case ACQUIRING, LEADING -> {
        if (k.leaseId() == c.term().leaseId()) {
          recordKeepAlive(t, k);
        }
      }
      case SUSPENDED -> {
        if (k.leaseId() == c.term().leaseId()) {
          recordKeepAlive(t, k);
          if (t.now < suspendDeadline(t.b.build())) {
            recover(t);
          }
        }
      }
      case STEPPING_DOWN -> { }
      default -> throw unknown(c, e);
    }
  }

  private void recordKeepAlive(Transition t, Event.KeepAliveOk k) {
    Context.Builder b = t.b;
    if (k.leaseId() != b.leaseId) {
      b.leaseId = k.leaseId();
      b.lastKeepAliveSentNanos = k.sentNanos();
    } else {
      b.lastKeepAliveSentNanos = Math.max(b.lastKeepAliveSentNanos, k.sentNanos());
    }
    Duration reported = Duration.ofSeconds(k.ttlSeconds());
    b.leaseTtl = reported.compareTo(settings.leaseTtl()) < 0 ? reported : settings.leaseTtl();
  }

  /** The lease never expired, so the leader key is still ours: act again, but verify what happened meanwhile. */
  private void recover(Transition t) {
    Context.Builder b = t.b;
    b.handoverDeadlineNanos = NEVER;
    b.retryAtNanos = NEVER;
    if (!b.bound) {
      t.bind();
    }
    if (b.assigned) {
      b.state = State.LEADING;
      if (!b.verifyInFlight) {
        b.verifyInFlight = true;
        t.emit(new Action.VerifyAssignment());
      }
      b.nextVerifyNanos = t.now + settings.verifyInterval().toNanos();
    } else {
      b.state = State.ACQUIRING;
      if (!b.assignInFlight) {
        t.assign();
      }
    }
  }

  private void onLeaseGone(Transition t, Event.LeaseGone g, Event e) {
    Context c = t.c;
    switch (c.state()) {
      case ACQUIRING, LEADING, SUSPENDED -> {
        if (g.leaseId() == c.term().leaseId()) {
          t.b.leaseId = 0;
          t.b.lastError = "lease gone: lease=" + Long.toHexString(g.leaseId());
          t.stepOut(true);
        }
      }
      case CAMPAIGNING -> {
        if (g.leaseId() == c.leaseId() || c.leaseId() == 0) {
          t.b.leaseId = 0;
          t.b.state = State.STANDBY; // candidacy died with the lease; campaign again on the next tick
          t.b.campaignAtNanos = t.now;
        }
      }
      case STANDBY, STEPPING_DOWN -> {
        if (g.leaseId() == c.leaseId()) {
          t.b.leaseId = 0;
        }
      }
      default -> throw unknown(c, e);
    }
  }

  private void onCampaignFailed(Transition t, Event.CampaignFailed f) {
    t.b.lastError = "campaign: " + f.reason();
    if (t.c.state() == State.CAMPAIGNING) {
      t.b.state = State.STANDBY;
      t.b.campaignFailures++;
      Duration d = settings.backoff(t.b.campaignFailures);
      t.b.campaignAtNanos = t.now + d.toNanos();
      t.emit(new Action.ScheduleRetry(d, t.b.lastError));
    }
    // other states: a stale report of a campaign that no longer matters; leadership follows lease and key
  }

  private void onHolderChanged(Transition t, Event.HolderChanged h, Event e) {
    Context c = t.c;
    t.b.holderSeen = h.holder();
    boolean other = h.holder() != null && !settings.node().equals(h.holder().node());
    switch (c.state()) {
      case STANDBY, CAMPAIGNING -> {
        if (other && c.bound()) {
          t.unbind(); // the new holder has the IP: the handover window ends
        }
      }
      case ACQUIRING, LEADING, SUSPENDED -> {
        if (other && h.holder().epoch() > c.term().revision()) {
          t.b.lastError = "newer holder: node=" + h.holder().node();
          t.stepOut(true);
          if (t.b.bound) {
            t.unbind();
          }
        }
      }
      case STEPPING_DOWN -> {
        if (other) {
          t.finishStepDown();
        }
      }
      default -> throw unknown(c, e);
    }
  }

  private void onAssignDone(Transition t, Event.AssignDone d, Event e) {
    Context c = t.c;
    Context.Builder b = t.b;
    b.assignInFlight = false;
    b.assignedServer = d.serverId();
    boolean here = d.serverId() == settings.serverId();
    switch (c.state()) {
      case ACQUIRING, LEADING -> {
        if (here) {
          // also when started by an earlier term: the IP routing here is all the current term needs
          b.assigned = true;
          b.failures = 0;
          b.retryAtNanos = NEVER;
          b.state = State.LEADING;
          b.nextVerifyNanos = t.now + settings.verifyInterval().toNanos();
          t.emit(new Action.PublishHolder(c.term()));
          if (b.bound && c.termStartNanos() != Long.MIN_VALUE) {
            t.emit(new Action.ReportFailover(Duration.ofNanos(t.now - c.termStartNanos())));
            b.termStartNanos = Long.MIN_VALUE;
          }
        } else if (!c.term().equals(d.term())) {
          b.assigned = false;
          b.state = State.ACQUIRING;
          t.assign(); // an earlier term's takeover ended elsewhere: start this term's own at once
        } else {
          b.assigned = false;
          b.state = State.ACQUIRING;
          t.retryLater(settings.backoff(b.failures + 1), "assign: floating IP is on server " + d.serverId());
        }
      }
      case SUSPENDED -> b.assigned = here;
      case STANDBY, CAMPAIGNING, STEPPING_DOWN -> { }
      default -> throw unknown(c, e);
    }
  }

  private void onAssignFailed(Transition t, Event.AssignFailed f, Event e) {
    Context c = t.c;
    t.b.assignInFlight = false;
    t.b.lastError = "assign: " + f.error();
    switch (c.state()) {
      case ACQUIRING, LEADING, SUSPENDED -> {
        if (!c.term().equals(f.term())) {
          if (c.state() != State.SUSPENDED) {
            t.assign(); // an earlier term's takeover failed; it says nothing about this term: start its own
          }
        } else if (f.fenced()) {
          // the fence answered "not leader" (or could not tell): make it true, then campaign after a pause
          t.emit(new Action.Resign(c.term()));
          t.stepOut(false);
        } else if (c.state() != State.SUSPENDED) {
          Duration d = f.retryable() ? settings.backoff(t.b.failures + 1) : settings.retryMax();
          t.retryLater(d, t.b.lastError);
        }
      }
      case STANDBY, CAMPAIGNING, STEPPING_DOWN -> { }
      default -> throw unknown(c, e);
    }
  }

  private void onVerifyResult(Transition t, Event.VerifyResult v, Event e) {
    Context c = t.c;
    t.b.verifyInFlight = false;
    t.b.assignedServer = v.serverId();
    boolean here = v.serverId() != null && v.serverId() == settings.serverId();
    switch (c.state()) {
      case LEADING -> {
        if (!here) {
          t.b.lastError = "floating IP drifted to server " + v.serverId();
          t.b.assigned = false;
          t.b.state = State.ACQUIRING;
          if (!c.assignInFlight()) {
            t.assign();
          }
        }
      }
      case SUSPENDED -> {
        if (!here) {
          t.b.assigned = false;
          if (c.bound()) {
            t.unbind(); // Hetzner no longer routes the IP here: nothing left to hand over
          }
        }
      }
      case STANDBY, CAMPAIGNING, ACQUIRING, STEPPING_DOWN -> { }
      default -> throw unknown(c, e);
    }
  }

  private void onBindFailed(Transition t, Event.BindFailed f, Event e) {
    Context c = t.c;
    t.b.bound = false;
    t.b.lastError = "bind: " + f.error();
    switch (c.state()) {
      case ACQUIRING, LEADING -> t.retryLater(settings.backoff(t.b.failures + 1), t.b.lastError);
      case SUSPENDED, STANDBY, CAMPAIGNING, STEPPING_DOWN -> { }
      default -> throw unknown(c, e);
    }
  }

  private void onUnbindFailed(Transition t, Event.UnbindFailed f, Event e) {
    Context c = t.c;
    t.b.lastError = "unbind: " + f.error();
    switch (c.state()) {
      case STANDBY, CAMPAIGNING, SUSPENDED -> {
        t.b.bound = true; // still there: try again on the first tick past a short deadline
        t.b.handoverDeadlineNanos = t.now + settings.retryInitial().toNanos();
      }
      case ACQUIRING, LEADING, STEPPING_DOWN -> { }
      default -> throw unknown(c, e);
    }
  }

  private void onApiserverHealth(Transition t, Event.ApiserverHealth h, Event e) {
    Context c = t.c;
    t.b.apiserverHealthy = h.ok();
    switch (c.state()) {
      case STANDBY -> t.maybeCampaign();
      case CAMPAIGNING -> {
        if (!h.ok()) {
          t.emit(new Action.Revoke()); // withdraw the candidacy: a node without apiserver must not win
          t.b.leaseId = 0;
          t.b.state = State.STANDBY;
        }
      }
      case ACQUIRING, LEADING, SUSPENDED -> {
        if (!h.ok()) {
          t.b.lastError = "apiserver unhealthy";
          t.emit(new Action.Resign(c.term()));
          t.clearTerm();
          if (t.b.bound) {
            t.b.state = State.STEPPING_DOWN;
            t.armHandover();
          } else {
            t.b.state = State.STANDBY;
            t.b.campaignAtNanos = t.now;
          }
        }
      }
      case STEPPING_DOWN -> { }
      default -> throw unknown(c, e);
    }
  }

  private void onShutdown(Transition t, Event e) {
    Context c = t.c;
    switch (c.state()) {
      case STEPPING_DOWN -> {
        if (!c.shuttingDown()) {
          t.b.shuttingDown = true;
          t.emit(new Action.Revoke());
        }
      }
      case STANDBY, CAMPAIGNING, ACQUIRING, LEADING, SUSPENDED -> {
        t.b.shuttingDown = true;
        if (c.term() != null) {
          t.emit(new Action.Resign(c.term()));
        }
        t.emit(new Action.Revoke());
        t.clearTerm();
        t.b.leaseId = 0;
        if (c.bound()) {
          t.b.state = State.STEPPING_DOWN;
          t.armHandover();
        } else {
          t.b.state = State.STOPPED;
        }
      }
      default -> throw unknown(c, e);
    }
  }

  private static IllegalStateException unknown(Context c, Event e) {
    return new IllegalStateException("no transition from " + c.state() + " on " + e);
  }
}
