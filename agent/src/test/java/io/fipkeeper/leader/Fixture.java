package io.fipkeeper.leader;

import java.time.Duration;
import java.time.Instant;

/**
 * Contexts in every state, reached by driving a real {@link LeaderStateMachine} from its start context, so the
 * table rows start from states the machine can really be in. Time origin {@link #T0}; all times in nanos.
 */
final class Fixture {
  static final String SELF = "cp-1";
  static final String OTHER = "cp-2";
  static final long SELF_SERVER = 101;
  static final long OTHER_SERVER = 202;
  static final long LEASE = 0xabcL;
  static final long T0 = 1_000_000_000L;
  static final Term TERM = new Term(SELF, "/fipkeeper/203.0.113.10/election/abc", 42, LEASE);
  static final long LEASE2 = 0xdefL;
  static final Term TERM2 = new Term(SELF, "/fipkeeper/203.0.113.10/election/def", 57, LEASE2);

  final LeaderStateMachine machine;

  Fixture(LeaderSettings settings) {
    this.machine = new LeaderStateMachine(settings);
  }

  Fixture() {
    this(LeaderSettings.defaults(SELF, SELF_SERVER).withApiserverProbe(false));
  }

  static long at(long millis) {
    return T0 + Duration.ofMillis(millis).toNanos();
  }

  static HolderRecord holder(String node, long server, long epoch) {
    return new HolderRecord(node, server, "203.0.113.10", epoch, Instant.EPOCH);
  }

  Context apply(Context c, long now, Event... events) {
    for (Event e : events) {
      c = machine.next(c, e, now).context();
    }
    return c;
  }

  Context standby() {
    return machine.initial();
  }

  Context unhealthyStandby() {
    return apply(standby(), T0, new Event.ApiserverHealth(false));
  }

  /** Campaign 1 issued at T0 (answer due by T0+6s), a keep-alive sent at T0 confirmed. */
  Context campaigning() {
    return apply(standby(), T0, new Event.Tick(), new Event.KeepAliveOk(LEASE, 2, T0));
  }

  /** At start-up, the previous run's lease was adopted (apiserver verdict still to come). */
  Context adopted() {
    return apply(machine.initial(), T0, new Event.LeaseAdopted(LEASE));
  }

  /** Won at T0+10ms, assign still in flight at T0+20s although the lease is fresh. */
  Context acquiringFreshAt20s() {
    return apply(acquiring(), at(20_000), new Event.KeepAliveOk(LEASE, 2, at(20_000)));
  }

  /** Won at T0+10ms: bound, assign in flight. */
  Context acquiring() {
    return apply(campaigning(), at(10), new Event.ElectionWon(TERM));
  }

  /** Lost the lease at T0+100ms with TERM's takeover still in flight, re-campaigned; a fresh keep-alive on LEASE2. */
  Context campaigningWithStaleTakeover() {
    Context c = apply(acquiring(), at(100), new Event.LeaseGone(LEASE));
    return apply(c, at(200), new Event.KeepAliveOk(LEASE2, 2, at(200)));
  }

  /** Won TERM2 at T0+300ms while TERM's takeover is still in flight: bound, no second Assign yet. */
  Context reacquiring() {
    return apply(campaigningWithStaleTakeover(), at(300), new Event.ElectionWon(TERM2));
  }

  /** Assign done at T0+300ms; next verify due at T0+300ms+60s. */
  Context leading() {
    return apply(acquiring(), at(300), new Event.AssignDone(TERM, SELF_SERVER));
  }

  /** Lost the lease at T0+400ms while leading: CAMPAIGNING, still holding the address (Hetzner routes the IP here). */
  Context holding() {
    return apply(leading(), at(400), new Event.LeaseGone(LEASE));
  }

  /** Gave the term up at T0+300ms because Hetzner rejected the token: STANDBY, sitting out 30 s. */
  Context rejected() {
    return apply(acquiring(), at(300), new Event.AssignFailed(TERM, Event.Failure.CREDENTIALS, "401 unauthorized"));
  }

  /** No keep-alive since the one sent at T0: suspended on the tick at T0+1600ms (safe window 1500ms). */
  Context suspended() {
    return apply(leading(), at(1600), new Event.Tick());
  }

  /**
   * Suspended at 1.6 s, recovered at 1.7 s with a verify (answered at 1.8 s), suspended again on the tick at 3.2 s:
   * the last read of Hetzner went out at 1.7 s.
   */
  Context suspendedAfterAVerify() {
    Context c = apply(suspended(), at(1700), new Event.KeepAliveOk(LEASE, 2, at(1590)));
    c = apply(c, at(1800), new Event.VerifyResult(SELF_SERVER));
    return apply(c, at(3200), new Event.Tick());
  }

  /** Shutdown at T0+500ms while leading: handover window until T0+10.5s. */
  Context shuttingDown() {
    return apply(leading(), at(500), new Event.Shutdown());
  }

  /** Apiserver unhealthy at T0+500ms while leading: handover window until T0+10.5s. */
  Context healthSteppingDown() {
    return apply(leading(), at(500), new Event.ApiserverHealth(false));
  }

  Context stopped() {
    return apply(standby(), T0, new Event.Shutdown());
  }
}
