package io.fipkeeper.leader;

import java.time.Duration;

/**
 * The rules for election facts (wins, leaders seen, keep-alives, lease loss and adoption, being superseded, campaign
 * answers and the campaign watchdog), the apiserver verdict and shutdown: who this node is in the election, hence
 * what it should hold. Stateless; every method edits the {@link Transition} it is given.
 */
final class ElectionRules {

  private ElectionRules() {}

  static void onElectionWon(Transition t, Event.ElectionWon w, Event e) {
    Context c = t.c;
    switch (c.state()) {
      case STANDBY, CAMPAIGNING -> {
        if (c.apiserverHealthy() && !c.shuttingDown() && !sittingOut(t)) {
          // also in STANDBY after a failed campaign: its call may still have been waiting, and a win is a win
          t.acquire(w.term());
        } else {
          t.emit(new Action.Resign(w.term())); // won a campaign we no longer want (unhealthy, sitting out)
        }
      }
      case STEPPING_DOWN -> t.emit(new Action.Resign(w.term()));
      case ACQUIRING, LEADING, SUSPENDED -> {
        if (w.term().revision() > c.term().revision()) {
          t.acquire(w.term()); // our old key is gone and a newer one of ours leads: act for the newer term
        } else if (!w.term().equals(c.term())) {
          throw LeaderStateMachine.unknown(c, e); // an older term cannot win after a newer one
        }
      }
      default -> throw LeaderStateMachine.unknown(c, e);
    }
  }

  /** Out of the election on purpose: after a given-up term, or while Hetzner rejects the token. */
  private static boolean sittingOut(Transition t) {
    Context c = t.c;
    return t.now < c.candidacy().campaignAtNanos()
        && (c.candidacy().abandonedTerms() > 0 || c.routing().credentialsRejected());
  }

  static void onLeaderSeen(Transition t, Event.LeaderSeen s, Event e) {
    Context c = t.c;
    t.b.peers = t.b.peers.withLeader(s.node());
    switch (c.state()) {
      case STANDBY, CAMPAIGNING, STEPPING_DOWN -> { }
      case ACQUIRING, LEADING, SUSPENDED -> {
        boolean newer = s.revision() > c.term().revision();
        if (newer && s.node() != null && !t.settings.isSelf(s.node(), s.serverId())) {
          t.b.lastError = "leader key changed: leader=" + s.node();
          t.stepOut(t.now);
        } else if (s.node() == null && s.asOf() >= c.term().revision()) {
          // no key at all at a revision our key existed at: ours was deleted, the term is over for sure
          t.b.lastError = "leader key gone: term=" + c.term().revision();
          t.stepOut(t.now);
        }
      }
      default -> throw LeaderStateMachine.unknown(c, e);
    }
  }

  static void onKeepAliveOk(Transition t, Event.KeepAliveOk k, Event e) {
    Context c = t.c;
    if (k.ttlSeconds() <= 0) {
      onLeaseGone(t, new Event.LeaseGone(k.leaseId()), e);
      return;
    }
    switch (c.state()) {
      case STANDBY, CAMPAIGNING -> record(t, k);
      case ACQUIRING, LEADING -> {
        if (k.leaseId() == c.term().leaseId()) {
          record(t, k);
        }
      }
      case SUSPENDED -> {
        if (k.leaseId() == c.term().leaseId()) {
          record(t, k);
          if (t.now < t.suspendDeadline(t.b.lease)) {
            recover(t);
          }
        }
      }
      case STEPPING_DOWN -> { }
      default -> throw LeaderStateMachine.unknown(c, e);
    }
  }

  private static void record(Transition t, Event.KeepAliveOk k) {
    t.b.lease = t.b.lease.confirmed(k.leaseId(), k.sentNanos(), Duration.ofSeconds(k.ttlSeconds()),
        t.settings.leaseTtl());
  }

  /**
   * The lease never expired, so the leader key is still ours: act again. Verify what happened meanwhile and publish
   * the holder record again (a publish attempted while suspended could not reach etcd).
   */
  private static void recover(Transition t) {
    Context.Builder b = t.b;
    b.acquisition = b.acquisition.retryStarted();
    if (!b.address.bound()) {
      t.bind();
    }
    if (b.acquisition.assigned()) {
      b.state = State.LEADING;
      verifyAfterRecovery(t);
      t.emit(new Action.PublishHolder(b.term));
    } else {
      b.state = State.ACQUIRING;
      if (!b.routing.assignInFlight()) {
        t.assign();
      }
    }
  }

  /**
   * One read of Hetzner after a recovery, unless a read went out less than {@link
   * LeaderSettings#RECOVERY_VERIFY_SPACING} ago: flapping under a slow etcd must not burn the project's shared rate
   * limit, so the read is brought forward to that spacing instead (and counted).
   */
  private static void verifyAfterRecovery(Transition t) {
    Context.Builder b = t.b;
    if (b.routing.verifyInFlight()) {
      return;
    }
    long allowedAt = b.routing.extraVerifyAllowedAt(LeaderSettings.RECOVERY_VERIFY_SPACING);
    if (t.now >= allowedAt) {
      t.verify();
      b.routing = b.routing.verifyAt(t.now + t.settings.verifyInterval().toNanos());
    } else {
      b.routing = b.routing.verifyAt(Math.min(b.routing.nextVerifyNanos(), allowedAt));
      t.emit(new Action.ReportVerifyDeferred(Duration.ofNanos(b.routing.nextVerifyNanos() - t.now)));
    }
  }

  static void onLeaseGone(Transition t, Event.LeaseGone g, Event e) {
    Context c = t.c;
    switch (c.state()) {
      case ACQUIRING, LEADING, SUSPENDED -> {
        if (g.leaseId() == c.term().leaseId()) {
          t.b.lease = t.b.lease.forgotten();
          t.b.lastError = "lease gone: lease=" + Long.toHexString(g.leaseId());
          t.stepOut(t.now);
        }
      }
      case CAMPAIGNING -> {
        if (g.leaseId() == c.lease().id() || c.lease().id() == 0) {
          // the candidacy died with the lease, which only happens when etcd lost or expired it: campaign again after
          // the backoff, not at once (a flapping etcd would otherwise see a grant and a campaign every tick)
          t.b.lease = t.b.lease.forgotten();
          t.b.lastError = "campaign: lease gone: lease=" + Long.toHexString(g.leaseId());
          retryCampaign(t);
        }
      }
      case STANDBY, STEPPING_DOWN -> {
        if (g.leaseId() == c.lease().id()) {
          t.b.lease = t.b.lease.forgotten();
        }
      }
      default -> throw LeaderStateMachine.unknown(c, e);
    }
  }

  /** Start-up only: the previous run's lease is ours now; not confirmed until its first keep-alive answers. */
  static void onLeaseAdopted(Transition t, Event.LeaseAdopted a) {
    if (t.c.state() == State.STANDBY && t.c.lease().id() == 0) {
      t.b.lease = t.b.lease.unconfirmed(a.leaseId(), Long.MIN_VALUE, t.settings.leaseTtl());
    }
  }

  /** A newer run of this agent keeps our lease alive and has the address: stop acting, touch nothing. */
  static void onSuperseded(Transition t, Event.Superseded s) {
    Context c = t.c;
    boolean ours = s.leaseId() == c.lease().id() || (c.term() != null && c.term().leaseId() == s.leaseId());
    if (!ours) {
      return;
    }
    t.clearTerm();
    t.b.state = State.STOPPED;
    t.b.shuttingDown = true;
    t.b.lease = t.b.lease.forgotten();
    t.b.address = t.b.address.forgotten();
    t.b.lastError = "superseded by a newer run of this agent (" + s.by() + "): stopped acting";
  }

  static void onCampaignFailed(Transition t, Event.CampaignFailed f) {
    t.b.lastError = "campaign: " + f.reason();
    if (t.c.state() == State.CAMPAIGNING && t.c.candidacy().current(f.attempt())) {
      retryCampaign(t);
    }
    // an older campaign's answer, or other states: it no longer matters; leadership follows lease and key
  }

  static void onCampaignQueued(Transition t, Event.CampaignQueued q) {
    if (t.c.state() == State.CAMPAIGNING && t.c.candidacy().current(q.attempt())) {
      // the key waits behind the leader: nothing to do but look again a while later (the watchdog re-arms)
      t.b.candidacy = t.b.candidacy.queued(t.now + t.settings.campaignAnswerTimeout().toNanos());
    }
  }

  static void onCampaignSuperseded(Transition t, Event.CampaignSuperseded s) {
    if (t.c.state() == State.CAMPAIGNING && t.c.candidacy().current(s.attempt())) {
      t.b.lastError = "campaign: " + s.reason();
      retryCampaign(t); // the backend dropped the campaign this node still waits for: ask again after a pause
    }
  }

  /** CAMPAIGNING: the campaign was not answered in time. Ask again; the backend re-checks a queued campaign. */
  static void tickCampaigning(Transition t) {
    Candidacy cd = t.c.candidacy();
    if (t.now >= cd.answerDeadlineNanos()) {
      t.b.lastError = "campaign " + cd.attempt() + ": no answer within " + t.settings.campaignAnswerTimeout()
          + ", asking again";
      t.campaign();
    }
  }

  private static void retryCampaign(Transition t) {
    t.b.state = State.STANDBY;
    Duration d = t.settings.backoff(t.c.candidacy().campaignFailures() + 1);
    t.b.candidacy = t.b.candidacy.failed(t.now + d.toNanos());
    t.emit(new Action.ScheduleRetry(d, t.b.lastError));
  }

  static void onApiserverHealth(Transition t, Event.ApiserverHealth h, Event e) {
    Context c = t.c;
    t.b.apiserverHealthy = h.ok();
    switch (c.state()) {
      case STANDBY -> {
        if (!h.ok() && c.lease().id() != 0) {
          t.emit(new Action.Revoke()); // an adopted candidacy: a node without apiserver must not keep it
          t.b.lease = t.b.lease.forgotten();
        }
        t.maybeCampaign();
      }
      case CAMPAIGNING -> {
        if (!h.ok()) {
          t.emit(new Action.Revoke()); // withdraw the candidacy: a node without apiserver must not win
          t.b.lease = t.b.lease.forgotten();
          t.b.state = State.STANDBY;
        }
      }
      case ACQUIRING, LEADING, SUSPENDED -> {
        if (!h.ok()) {
          t.b.lastError = "apiserver unhealthy";
          t.emit(new Action.Resign(c.term()));
          t.clearTerm();
          if (t.b.address.bound()) {
            // a voluntary step-down: the address serves nothing without the local apiserver, so its handover is
            // bounded by handoverTimeout even when nobody takes the IP over
            t.b.state = State.STEPPING_DOWN;
            t.armRelease(t.settings.handoverTimeout());
          } else {
            t.b.state = State.STANDBY;
            t.b.candidacy = t.b.candidacy.due(t.now);
          }
        }
      }
      case STEPPING_DOWN -> { }
      default -> throw LeaderStateMachine.unknown(c, e);
    }
  }

  static void onShutdown(Transition t, Event e) {
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
        t.b.lease = t.b.lease.forgotten();
        if (t.b.address.bound()) {
          t.b.state = State.STEPPING_DOWN;
          t.armRelease(t.settings.handoverTimeout());
        } else {
          t.b.state = State.STOPPED;
        }
      }
      default -> throw LeaderStateMachine.unknown(c, e);
    }
  }
}
