package io.fipkeeper.leader;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Everything the {@link LeaderStateMachine} remembers between two events, grouped by the fact it is about.
 * Immutable; deadlines are readings of the loop's {@link io.fipkeeper.time.Ticker}, {@link #NEVER} when not armed.
 * The constructor enforces what must hold in every state, so a transition that would break it fails loudly.
 *
 * @param state the current state
 * @param term the term this node holds or is acquiring; non-null exactly in ACQUIRING, LEADING and SUSPENDED
 * @param lease what this agent knows of its etcd lease
 * @param candidacy when it may campaign next, and which campaign waits for an answer until when
 * @param acquisition the current term's takeover; {@link Acquisition#NONE} without a term
 * @param routing what Hetzner said last (the observed half of "holding the IP")
 * @param address what the kernel showed last (the other observed half)
 * @param peers what the election store said about other agents
 * @param apiserverHealthy the last apiserver verdict (true from the start when the probe is disabled)
 * @param shuttingDown a Shutdown arrived; never campaign again
 * @param lastError the last error reported (secret-free) or null
 * @param lastResignation why this node last gave up a term it had won (secret-free) or null
 */
public record Context(
    State state,
    Term term,
    Lease lease,
    Candidacy candidacy,
    Acquisition acquisition,
    Routing routing,
    Address address,
    Peers peers,
    boolean apiserverHealthy,
    boolean shuttingDown,
    String lastError,
    String lastResignation) {

  /** Deadline value meaning "not armed". */
  public static final long NEVER = Long.MAX_VALUE;

  private static final Set<State> WITH_TERM = EnumSet.of(State.ACQUIRING, State.LEADING, State.SUSPENDED);

  public Context {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(lease, "lease");
    Objects.requireNonNull(candidacy, "candidacy");
    Objects.requireNonNull(acquisition, "acquisition");
    Objects.requireNonNull(routing, "routing");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(peers, "peers");
    if ((term != null) != WITH_TERM.contains(state)) {
      throw new IllegalStateException(state + " " + (term == null ? "needs a term" : "cannot have a term"));
    }
    if (term == null && !acquisition.equals(Acquisition.NONE)) {
      throw new IllegalStateException(state + ": a takeover in progress needs a term");
    }
    if (state == State.LEADING && !acquisition.assigned()) {
      throw new IllegalStateException("LEADING needs the IP assigned to this server");
    }
    if (state == State.CAMPAIGNING && candidacy.answerDeadlineNanos() == NEVER) {
      throw new IllegalStateException("CAMPAIGNING needs a deadline for the campaign's answer");
    }
    if (state == State.STOPPED && address.bound()) {
      throw new IllegalStateException("STOPPED with the address still bound");
    }
  }

  /** Whether this node acts as leader: it may assign, bind and publish. */
  public boolean acting() {
    return state == State.ACQUIRING || state == State.LEADING;
  }

  /** The context an agent starts with: STANDBY, nothing known, campaign due as soon as the apiserver is healthy. */
  public static Context initial(LeaderSettings settings) {
    return new Context(State.STANDBY, null, Lease.none(settings.leaseTtl()), Candidacy.INITIAL, Acquisition.NONE,
        Routing.UNKNOWN, Address.UNKNOWN, Peers.NONE, !settings.apiserverProbeEnabled(), false, null, null);
  }

  Builder toBuilder() {
    return new Builder(this);
  }

  /** Mutable copy used only inside one {@link LeaderStateMachine#next} call. */
  static final class Builder {
    State state;
    Term term;
    Lease lease;
    Candidacy candidacy;
    Acquisition acquisition;
    Routing routing;
    Address address;
    Peers peers;
    boolean apiserverHealthy;
    boolean shuttingDown;
    String lastError;
    String lastResignation;

    Builder(Context c) {
      state = c.state;
      term = c.term;
      lease = c.lease;
      candidacy = c.candidacy;
      acquisition = c.acquisition;
      routing = c.routing;
      address = c.address;
      peers = c.peers;
      apiserverHealthy = c.apiserverHealthy;
      shuttingDown = c.shuttingDown;
      lastError = c.lastError;
      lastResignation = c.lastResignation;
    }

    Context build() {
      return new Context(state, term, lease, candidacy, acquisition, routing, address, peers, apiserverHealthy,
          shuttingDown, lastError, lastResignation);
    }
  }
}
