package io.fipkeeper.leader;

import java.util.List;
import java.util.Objects;

/**
 * The leader state machine: a pure function from (context, event, now) to (context, actions). No I/O, no clock
 * read, no threads; {@link io.fipkeeper.leader.runtime.LeaderLoop} feeds it and performs the actions. Every (state,
 * event) pair that can occur is handled explicitly ({@link ElectionRules}, {@link TakeoverRules},
 * {@link AddressRules}); anything else throws {@link IllegalStateException}. STOPPED ignores everything.
 *
 * <p><b>Desired and observed.</b> Holding the floating IP is two facts this node re-reads instead of remembering:
 * where Hetzner routes the IP (every takeover, a re-check {@code recheckDelay} after it, the verify interval, and
 * re-checks of an address held without leadership) and whether the kernel has the address (every couple of
 * seconds while it matters). The election decides only what this node should hold: a leader of a live term binds
 * the address and assigns the IP; a node that is not leader keeps a bound address while Hetzner routes the IP to its
 * server and no newer holder is published, and drops it on evidence (a newer holder, or Hetzner showing the IP
 * elsewhere). A leader re-binds an address removed behind its back and re-assigns on drift.
 *
 * <p><b>SUSPENDED vs lost.</b> A missing keep-alive answer is not a lost lease: etcd may just be slow or a member
 * may be electing. The leader stops acting (no assign, no publish) once no keep-alive was confirmed for the safe
 * window, {@code TTL - margin} ({@link LeaderSettings#margin()}, 500 ms by default), counted from when the last
 * confirmed keep-alive was sent (a lower bound of when etcd renewed the lease, so the lease cannot have expired
 * inside the window). That is SUSPENDED: the IP stays assigned at Hetzner and the address stays bound. A keep-alive
 * for the same lease brings it straight back to LEADING (the lease never expired, so the key and thus the leadership
 * were never lost) with one verify, spaced at least {@link LeaderSettings#RECOVERY_VERIFY_SPACING} from the last
 * one, to catch a stray assign made meanwhile, and a fresh holder record. SUSPENDED lasts past the full TTL too:
 * the leader's own clock cannot tell whether etcd kept the lease (a new etcd leader extends every lease by an
 * election timeout), so only definite evidence ends the term: LeaseGone (etcd answered that the lease is not
 * found), the leader key gone or a newer leader or holder, or a fenced assign. Then someone else may lead, and the
 * agent campaigns again, keeping the address while the IP still routes here. An etcd outage of any length therefore
 * never darkens the endpoint while Hetzner routes the IP to this node, and an etcd leader election does not cost
 * this node its term.
 *
 * <p><b>Every campaign is answered.</b> Each Campaign carries a number; the backend answers it as won, queued
 * (waiting behind the leader), failed or superseded. CAMPAIGNING has a deadline ({@link
 * LeaderSettings#campaignAnswerTimeout()}): a campaign unanswered by then is asked again, and a queued one is
 * re-checked that often, so a campaign lost anywhere between the loop and etcd cannot leave the node CAMPAIGNING
 * forever. A campaign that failed, or whose lease etcd lost, is retried after the backoff.
 *
 * <p><b>Bounded takeover.</b> A won term must get the IP routed here within {@code takeoverTimeout}; retries inside
 * it are short (at most 1 s). A term that cannot (the deadline passes, Hetzner refuses for good, or rejects the
 * token) is resigned at once, and the node sits out of the election for a growing pause so that a healthy node
 * wins. A rejected token is its own condition: the node stays out until one read with the current token succeeds.
 *
 * <p><b>Fencing and its limits.</b> Every Assign is fenced by the runner right before the POST (lease alive and
 * leader key revision unchanged). Hetzner has no conditional assign, so a POST that passed the fence can still land
 * after the lease expired and race the next leader's POST. The fence narrows that race to one request; the new
 * leader reads the IP again one request timeout after its takeover (when such a POST has landed) and at every
 * verify, and re-assigns on drift.
 *
 * <p><b>Never unassign.</b> No action unassigns the IP: losing leadership, an etcd outage or a shutdown keeps the
 * IP routed to the last holder, which serves as long as its apiserver does; the next leader simply assigns it to
 * itself. Unassigning would turn every etcd hiccup into an outage.
 *
 * <p><b>Voluntary handover.</b> A node that resigns on purpose (shutdown, unhealthy apiserver) keeps the address
 * until a holder record names another node or {@code handoverTimeout} passes, then unbinds: this is the one timed
 * unbind, because such a node is going away or cannot serve.
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

  private final LeaderSettings settings;

  public LeaderStateMachine(LeaderSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  public LeaderSettings settings() {
    return settings;
  }

  /** The start context: STANDBY, nothing known, campaign due once the apiserver is healthy. */
  public Context initial() {
    return Context.initial(settings);
  }

  /** When the leader must stop acting unless a newer keep-alive is confirmed. */
  public long suspendDeadline(Context c) {
    return new Transition(settings, c, 0).suspendDeadline(c.lease());
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
      ElectionRules.onElectionWon(t, w, e);
    } else if (e instanceof Event.LeaderSeen s) {
      ElectionRules.onLeaderSeen(t, s, e);
    } else if (e instanceof Event.KeepAliveOk k) {
      ElectionRules.onKeepAliveOk(t, k, e);
    } else if (e instanceof Event.KeepAliveError k) {
      t.b.lastError = "keep-alive: " + k.reason(); // transient by jetcd's semantics: deadlines decide, not errors
    } else if (e instanceof Event.LeaseGone g) {
      ElectionRules.onLeaseGone(t, g, e);
    } else if (e instanceof Event.LeaseAdopted a) {
      ElectionRules.onLeaseAdopted(t, a);
    } else if (e instanceof Event.Superseded s) {
      ElectionRules.onSuperseded(t, s);
    } else if (e instanceof Event.CampaignFailed f) {
      ElectionRules.onCampaignFailed(t, f);
    } else if (e instanceof Event.CampaignQueued q) {
      ElectionRules.onCampaignQueued(t, q);
    } else if (e instanceof Event.CampaignSuperseded s) {
      ElectionRules.onCampaignSuperseded(t, s);
    } else if (e instanceof Event.HolderChanged h) {
      AddressRules.onHolderChanged(t, h, e);
    } else if (e instanceof Event.AssignDone d) {
      TakeoverRules.onAssignDone(t, d, e);
    } else if (e instanceof Event.AssignFailed f) {
      TakeoverRules.onAssignFailed(t, f, e);
    } else if (e instanceof Event.VerifyResult v) {
      TakeoverRules.onVerifyResult(t, v, e);
    } else if (e instanceof Event.VerifyFailed f) {
      TakeoverRules.onVerifyFailed(t, f);
    } else if (e instanceof Event.AddressObserved o) {
      AddressRules.onAddressObserved(t, o, e);
    } else if (e instanceof Event.AddressUnreadable u) {
      t.b.lastError = "address check: " + u.error(); // no evidence either way
    } else if (e instanceof Event.BindFailed f) {
      AddressRules.onBindFailed(t, f, e);
    } else if (e instanceof Event.UnbindFailed f) {
      AddressRules.onUnbindFailed(t, f, e);
    } else if (e instanceof Event.CredentialsChanged) {
      TakeoverRules.onCredentialsChanged(t, e);
    } else if (e instanceof Event.ApiserverHealth h) {
      ElectionRules.onApiserverHealth(t, h, e);
    } else if (e instanceof Event.Shutdown) {
      ElectionRules.onShutdown(t, e);
    } else {
      throw unknown(c, e);
    }
    return t.done();
  }

  private void onTick(Transition t, Event e) {
    Context c = t.c;
    switch (c.state()) {
      case STANDBY -> {
        AddressRules.tickHolding(t);
        t.maybeCampaign();
      }
      case CAMPAIGNING -> {
        AddressRules.tickHolding(t);
        ElectionRules.tickCampaigning(t);
      }
      case ACQUIRING, LEADING -> {
        if (t.now >= t.suspendDeadline(c.lease())) {
          t.suspend();
        } else {
          TakeoverRules.tick(t);
        }
        AddressRules.observeWhenDue(t);
      }
      case SUSPENDED -> {
        if (t.now >= t.leaseExpiry(c.lease())) {
          // not a loss: etcd may have kept the lease (a new etcd leader extends every lease by an election timeout),
          // and only etcd can say. Keep not acting until a keep-alive answers (back to LEADING) or etcd says the
          // lease or the key is gone, or a newer leader or holder shows up.
          t.b.lastError = "no keep-alive confirmed for " + c.lease().ttl() + ": waiting for etcd to confirm or deny"
              + " the lease";
        }
        AddressRules.tickHolding(t);
      }
      case STEPPING_DOWN -> {
        if (t.now >= c.address().releaseAtNanos()) {
          t.finishStepDown();
        }
      }
      default -> throw unknown(c, e);
    }
  }

  static IllegalStateException unknown(Context c, Event e) {
    return new IllegalStateException("no transition from " + c.state() + " on " + e);
  }
}
