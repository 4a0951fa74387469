package io.fipkeeper.leader;

/**
 * The rules for the address on this node's interface: what the kernel shows, what the holder record says, binds
 * and unbinds that failed, and the periodic reads that keep both observations fresh. A leader re-binds an address
 * removed behind its back; a node that is not leader keeps a bound address while Hetzner routes the IP to its server
 * and nobody newer holds it, and drops it on evidence, never on a timer (a voluntary handover aside).
 * Stateless; every method edits the {@link Transition} it is given.
 */
final class AddressRules {

  private AddressRules() {}

  /** Reads the kernel when due: once at start-up, then every couple of seconds while leading or holding. */
  static void observeWhenDue(Transition t) {
    Address a = t.b.address;
    boolean acting = t.b.state == State.ACQUIRING || t.b.state == State.LEADING;
    boolean matters = a.nextCheckNanos() == Long.MIN_VALUE || acting || a.bound();
    if (matters && t.now >= a.nextCheckNanos()) {
      t.b.address = a.checkAt(t.now + LeaderSettings.ADDRESS_CHECK_INTERVAL.toNanos());
      t.emit(new Action.ObserveAddress());
    }
  }

  /** Ticks of a node that is not acting: retry a failed removal, re-check Hetzner for a held address, read the kernel. */
  static void tickHolding(Transition t) {
    t.expireRelease();
    Routing r = t.b.routing;
    if (t.b.address.bound() && t.now >= r.nextVerifyNanos() && !r.verifyInFlight()) {
      int n = r.holdChecks() + 1;
      t.verify();
      t.b.routing = t.b.routing.holdChecked(t.now + t.settings.holdCheckDelay(n + 1).toNanos());
    }
    observeWhenDue(t);
  }

  static void onHolderChanged(Transition t, Event.HolderChanged h, Event e) {
    Context c = t.c;
    t.b.peers = t.b.peers.withHolder(h.holder());
    boolean other = h.holder() != null && !t.settings.isSelf(h.holder().node(), h.holder().serverId());
    switch (c.state()) {
      case STANDBY, CAMPAIGNING -> {
        if (other && c.address().bound()) {
          long held = c.address().holdEpoch();
          if (held == 0) {
            if (!c.routing().verifyInFlight()) {
              t.verify(); // held for an unknown term (found at start-up): let Hetzner decide
            }
          } else if (h.holder().epoch() > held) {
            t.release(false, "newer holder node=" + h.holder().node() + " epoch=" + h.holder().epoch());
          }
        }
      }
      case ACQUIRING, LEADING, SUSPENDED -> {
        if (other && h.holder().epoch() > c.term().revision()) {
          t.b.lastError = "newer holder: node=" + h.holder().node();
          t.stepOut(t.now);
          if (t.b.address.bound()) {
            t.unbind(); // the newer holder has (or is taking) the IP
          }
        }
      }
      case STEPPING_DOWN -> {
        if (other) {
          t.finishStepDown();
        }
      }
      default -> throw LeaderStateMachine.unknown(c, e);
    }
  }

  static void onAddressObserved(Transition t, Event.AddressObserved o, Event e) {
    Context c = t.c;
    if (o.opsDone() < c.address().opsIssued()) {
      return; // read before a bind/unbind we issued had run: says nothing about it
    }
    boolean believed = c.address().bound();
    switch (c.state()) {
      case ACQUIRING, LEADING -> {
        if (!o.bound() && believed) {
          t.b.address = t.b.address.observed(false);
          t.emit(new Action.ReportRepair(Action.Repair.REBIND, "address removed from the interface behind the leader's back"));
          t.bind();
        } else if (!o.bound() && c.acquisition().retryAtNanos() == Context.NEVER) {
          t.bind(); // a failed bind with no retry pending
        } else if (o.bound() && !believed) {
          t.b.address = t.b.address.observed(true).heldUnder(c.term().revision());
        }
      }
      case STANDBY, CAMPAIGNING, SUSPENDED -> {
        if (o.bound() && !believed) {
          // found bound (start-up, or put there by someone else): kept only if Hetzner routes the IP here
          t.b.address = t.b.address.observed(true);
          t.b.routing = t.b.routing.holdStarted(t.now + t.settings.holdCheckDelay(1).toNanos());
          if (!t.b.routing.verifyInFlight()) {
            t.verify();
          }
        } else if (!o.bound() && believed) {
          t.b.address = t.b.address.observed(false); // removed by someone else; not leading, so not put back
          t.b.lastError = "address removed from the interface by someone else";
        }
      }
      case STEPPING_DOWN -> {
        if (!o.bound() && believed) {
          t.b.address = t.b.address.observed(false);
          t.finishStepDown(); // nothing left to hand over
        }
      }
      default -> throw LeaderStateMachine.unknown(c, e);
    }
  }

  static void onBindFailed(Transition t, Event.BindFailed f, Event e) {
    Context c = t.c;
    t.b.address = t.b.address.observed(false);
    t.b.lastError = "bind: " + f.error();
    switch (c.state()) {
      case ACQUIRING, LEADING -> t.retryLater(t.settings.acquireRetry(t.b.acquisition.failures() + 1), t.b.lastError);
      case SUSPENDED, STANDBY, CAMPAIGNING, STEPPING_DOWN -> { }
      default -> throw LeaderStateMachine.unknown(c, e);
    }
  }

  static void onUnbindFailed(Transition t, Event.UnbindFailed f, Event e) {
    Context c = t.c;
    t.b.lastError = "unbind: " + f.error();
    switch (c.state()) {
      case STANDBY, CAMPAIGNING, SUSPENDED, STEPPING_DOWN -> {
        // still there: try again on the first tick past a short deadline
        t.b.address = t.b.address.observed(true).releaseBy(t.now + t.settings.retryInitial().toNanos());
      }
      case ACQUIRING, LEADING -> { }
      default -> throw LeaderStateMachine.unknown(c, e);
    }
  }
}
