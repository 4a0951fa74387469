package io.fipkeeper.leader;

import static io.fipkeeper.leader.Fixture.LEASE;
import static io.fipkeeper.leader.Fixture.OTHER;
import static io.fipkeeper.leader.Fixture.OTHER_SERVER;
import static io.fipkeeper.leader.Fixture.SELF;
import static io.fipkeeper.leader.Fixture.SELF_SERVER;
import static io.fipkeeper.leader.Fixture.T0;
import static io.fipkeeper.leader.Fixture.TERM;
import static io.fipkeeper.leader.Fixture.TERM2;
import static io.fipkeeper.leader.Fixture.at;
import static io.fipkeeper.leader.Fixture.holder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fipkeeper.leader.Action.Assign;
import io.fipkeeper.leader.Action.Bind;
import io.fipkeeper.leader.Action.Campaign;
import io.fipkeeper.leader.Action.GiveUp;
import io.fipkeeper.leader.Action.ObserveAddress;
import io.fipkeeper.leader.Action.PublishHolder;
import io.fipkeeper.leader.Action.Repair;
import io.fipkeeper.leader.Action.ReportFailover;
import io.fipkeeper.leader.Action.ReportGiveUp;
import io.fipkeeper.leader.Action.ReportRepair;
import io.fipkeeper.leader.Action.ReportVerifyDeferred;
import io.fipkeeper.leader.Action.Resign;
import io.fipkeeper.leader.Action.Revoke;
import io.fipkeeper.leader.Action.ScheduleRetry;
import io.fipkeeper.leader.Action.Unbind;
import io.fipkeeper.leader.Action.VerifyAssignment;
import io.fipkeeper.leader.Event.Failure;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** One row per (state, event) → (state, actions). Rows marked "never unassign" are the etcd-outage guarantees. */
class LeaderStateMachineTableTest {

  private static final Fixture F = new Fixture();
  private static final Fixture LONG_TTL = new Fixture(
      LeaderSettings.withTtl(SELF, SELF_SERVER, Duration.ofSeconds(60)).withApiserverProbe(false));

  record Row(String name, Function<Fixture, Context> from, Event event, long now, State to, List<Action> actions,
      Fixture fixture) {
    Row(String name, Function<Fixture, Context> from, Event event, long now, State to, List<Action> actions) {
      this(name, from, event, now, to, actions, F);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Row> rows() {
    var tick = new Event.Tick();
    var ok = new Event.KeepAliveOk(LEASE, 2, at(1000));
    var retry1s = new ScheduleRetry(Duration.ofSeconds(1), "assign: 503 from Hetzner");
    return Stream.of(
        // STANDBY
        new Row("STANDBY first Tick healthy → CAMPAIGNING, reads the kernel once and campaigns", Fixture::standby,
            tick, T0, State.CAMPAIGNING, List.of(new ObserveAddress(), new Campaign(1))),
        new Row("STANDBY first Tick unhealthy → STANDBY, reads the kernel once, no campaign",
            Fixture::unhealthyStandby, tick, T0, State.STANDBY, List.of(new ObserveAddress())),
        new Row("STANDBY AddressObserved(bound) at start-up → keeps it, asks Hetzner", Fixture::standby,
            new Event.AddressObserved(true, 0), T0, State.STANDBY, List.of(new VerifyAssignment())),
        new Row("STANDBY LeaseAdopted, then unhealthy → revokes the adopted candidacy", Fixture::adopted,
            new Event.ApiserverHealth(false), T0, State.STANDBY, List.of(new Revoke())),
        new Row("STANDBY ApiserverHealth(ok) → CAMPAIGNING", Fixture::unhealthyStandby,
            new Event.ApiserverHealth(true), T0, State.CAMPAIGNING, List.of(new Campaign(1))),
        new Row("STANDBY KeepAliveOk ignored", Fixture::standby, ok, T0, State.STANDBY, List.of()),
        new Row("STANDBY ElectionWon while unhealthy → resigns the unwanted term", Fixture::unhealthyStandby,
            new Event.ElectionWon(TERM), T0, State.STANDBY, List.of(new Resign(TERM))),
        new Row("STANDBY Shutdown unbound → STOPPED, revokes", Fixture::standby, new Event.Shutdown(), T0,
            State.STOPPED, List.of(new Revoke())),
        new Row("STANDBY LeaseGone ignored", Fixture::standby, new Event.LeaseGone(LEASE), T0,
            State.STANDBY, List.of()),
        // CAMPAIGNING
        new Row("CAMPAIGNING ElectionWon → ACQUIRING, binds then assigns", Fixture::campaigning,
            new Event.ElectionWon(TERM), at(10), State.ACQUIRING, List.of(new Bind(), new Assign(TERM))),
        new Row("CAMPAIGNING CampaignFailed → STANDBY with backoff", Fixture::campaigning,
            new Event.CampaignFailed(1, "etcd unreachable"), at(10), State.STANDBY,
            List.of(new ScheduleRetry(Duration.ofSeconds(1), "campaign: etcd unreachable"))),
        new Row("CAMPAIGNING CampaignFailed of an older campaign → ignored", Fixture::campaigning,
            new Event.CampaignFailed(0, "etcd unreachable"), at(10), State.CAMPAIGNING, List.of()),
        new Row("CAMPAIGNING CampaignQueued → stays, nothing to do", Fixture::campaigning,
            new Event.CampaignQueued(1), at(10), State.CAMPAIGNING, List.of()),
        new Row("CAMPAIGNING CampaignSuperseded(current) → STANDBY with backoff", Fixture::campaigning,
            new Event.CampaignSuperseded(1, "lease revoked"), at(10), State.STANDBY,
            List.of(new ScheduleRetry(Duration.ofSeconds(1), "campaign: lease revoked"))),
        new Row("CAMPAIGNING CampaignSuperseded of an older campaign → ignored", Fixture::campaigning,
            new Event.CampaignSuperseded(0, "lease revoked"), at(10), State.CAMPAIGNING, List.of()),
        new Row("CAMPAIGNING Tick before the answer deadline (3 TTLs) → nothing", Fixture::campaigning, tick,
            at(5_999), State.CAMPAIGNING, List.of()),
        new Row("CAMPAIGNING Tick at the answer deadline → the watchdog asks again", Fixture::campaigning, tick,
            at(6_000), State.CAMPAIGNING, List.of(new Campaign(2))),
        new Row("CAMPAIGNING ApiserverHealth(false) → STANDBY, withdraws candidacy", Fixture::campaigning,
            new Event.ApiserverHealth(false), at(10), State.STANDBY, List.of(new Revoke())),
        new Row("CAMPAIGNING LeaderSeen(other) only recorded", Fixture::campaigning,
            new Event.LeaderSeen(OTHER, 0, 7), at(10), State.CAMPAIGNING, List.of()),
        new Row("CAMPAIGNING KeepAliveError ignored", Fixture::campaigning,
            new Event.KeepAliveError(LEASE, "unavailable"), at(10), State.CAMPAIGNING, List.of()),
        new Row("CAMPAIGNING LeaseGone → STANDBY, campaigns again after the backoff", Fixture::campaigning,
            new Event.LeaseGone(LEASE), at(10), State.STANDBY,
            List.of(new ScheduleRetry(Duration.ofSeconds(1), "campaign: lease gone: lease=abc"))),
        // ACQUIRING
        new Row("ACQUIRING AssignDone(self) → LEADING, publishes, reports failover", Fixture::acquiring,
            new Event.AssignDone(TERM, SELF_SERVER), at(300), State.LEADING,
            List.of(new PublishHolder(TERM), new ReportFailover(Duration.ofMillis(290)))),
        new Row("ACQUIRING AssignDone(other) → retry with backoff", Fixture::acquiring,
            new Event.AssignDone(TERM, OTHER_SERVER), at(300), State.ACQUIRING,
            List.of(new ScheduleRetry(Duration.ofSeconds(1), "assign: floating IP is on server 202"))),
        new Row("ACQUIRING AssignFailed(retryable) → stays, retry in 1s", Fixture::acquiring,
            new Event.AssignFailed(TERM, Failure.RETRYABLE, "503 from Hetzner"), at(300), State.ACQUIRING,
            List.of(retry1s)),
        new Row("ACQUIRING AssignFailed(permanent) → gives up at once: resigns, says why, drops the address",
            Fixture::acquiring, new Event.AssignFailed(TERM, Failure.PERMANENT, "404 not found"), at(300),
            State.STANDBY, List.of(new Resign(TERM),
                new ReportGiveUp(GiveUp.FAILED, "assign failed and retrying cannot help: 404 not found"), new Unbind())),
        new Row("ACQUIRING AssignFailed(credentials) → gives up at once, flags the token, sits out",
            Fixture::acquiring, new Event.AssignFailed(TERM, Failure.CREDENTIALS, "401 unauthorized"), at(300),
            State.STANDBY, List.of(new Resign(TERM),
                new ReportGiveUp(GiveUp.CREDENTIALS, "Hetzner rejected the API token: 401 unauthorized"), new Unbind())),
        new Row("ACQUIRING Tick past takeoverTimeout → gives up: resigns, says why, drops the address",
            Fixture::acquiringFreshAt20s, tick, at(20_010), State.STANDBY, List.of(new Resign(TERM),
                new ReportGiveUp(GiveUp.TIMEOUT, "takeover not completed within PT20S"), new Unbind())),
        new Row("ACQUIRING AssignFailed(fenced) → lost: resigns, drops the address Hetzner does not route here",
            Fixture::acquiring, new Event.AssignFailed(TERM, Failure.FENCED, "fenced"), at(300), State.STANDBY,
            List.of(new Resign(TERM), new Unbind())),
        new Row("ACQUIRING Tick past safe window → SUSPENDED (never unassign)", Fixture::acquiring, tick,
            at(1500), State.SUSPENDED, List.of()),
        new Row("ACQUIRING Tick inside safe window → ACQUIRING", Fixture::acquiring, tick, at(1499), State.ACQUIRING,
            List.of()),
        new Row("ACQUIRING LeaseGone → CAMPAIGNING, address kept while the assign is in flight (never unassign)",
            Fixture::acquiring,
            new Event.LeaseGone(LEASE), at(300), State.CAMPAIGNING, List.of(new Campaign(2))),
        new Row("ACQUIRING ApiserverHealth(false) → STEPPING_DOWN, resigns", Fixture::acquiring,
            new Event.ApiserverHealth(false), at(300), State.STEPPING_DOWN, List.of(new Resign(TERM))),
        new Row("ACQUIRING KeepAliveOk recorded", Fixture::acquiring, ok, at(1100), State.ACQUIRING, List.of()),
        new Row("CAMPAIGNING ElectionWon while an earlier term's takeover runs → address still bound, waits for it",
            Fixture::campaigningWithStaleTakeover, new Event.ElectionWon(TERM2), at(300), State.ACQUIRING,
            List.of()),
        new Row("ACQUIRING AssignFailed(earlier term, fenced) → no resign, assigns for this term",
            Fixture::reacquiring, new Event.AssignFailed(TERM, Failure.FENCED, "fenced"), at(400), State.ACQUIRING,
            List.of(new Assign(TERM2))),
        new Row("ACQUIRING AssignDone(earlier term, other server) → assigns for this term",
            Fixture::reacquiring, new Event.AssignDone(TERM, OTHER_SERVER), at(400), State.ACQUIRING,
            List.of(new Assign(TERM2))),
        new Row("ACQUIRING AssignDone(earlier term, self) → LEADING for this term", Fixture::reacquiring,
            new Event.AssignDone(TERM, SELF_SERVER), at(400), State.LEADING,
            List.of(new PublishHolder(TERM2), new ReportFailover(Duration.ofMillis(100)))),
        // LEADING
        new Row("LEADING Tick inside safe window, verify not due → nothing", Fixture::leading, tick, at(1499),
            State.LEADING, List.of()),
        new Row("LEADING Tick past safe window → SUSPENDED, no unassign, no unbind (etcd outage)", Fixture::leading,
            tick, at(1500), State.SUSPENDED, List.of()),
        new Row("LEADING ElectionWon(same term) is a duplicate", Fixture::leading, new Event.ElectionWon(TERM),
            at(400), State.LEADING, List.of()),
        new Row("LEADING ElectionWon(newer term of ours) → ACQUIRING for it, fenced by the new term",
            Fixture::leading, new Event.ElectionWon(new Term(SELF, "/fipkeeper/203.0.113.10/election/abd", 60, LEASE)),
            at(400), State.ACQUIRING,
            List.of(new Assign(new Term(SELF, "/fipkeeper/203.0.113.10/election/abd", 60, LEASE)))),
        new Row("LEADING KeepAliveError → LEADING (etcd outage: never unassign)", Fixture::leading,
            new Event.KeepAliveError(LEASE, "unavailable"), at(400), State.LEADING, List.of()),
        new Row("LEADING LeaseGone → CAMPAIGNING, no unassign, address kept", Fixture::leading,
            new Event.LeaseGone(LEASE), at(400), State.CAMPAIGNING, List.of(new Campaign(2))),
        new Row("LEADING LeaderSeen(other, newer) → CAMPAIGNING", Fixture::leading,
            new Event.LeaderSeen(OTHER, 0, 43), at(400), State.CAMPAIGNING, List.of(new Campaign(2))),
        new Row("LEADING LeaderSeen(self on another server, newer) → a reused node name is somebody else",
            Fixture::leading, new Event.LeaderSeen(SELF, OTHER_SERVER, 43), at(400), State.CAMPAIGNING,
            List.of(new Campaign(2))),
        new Row("LEADING LeaderSeen(other, older) is stale → LEADING", Fixture::leading,
            new Event.LeaderSeen(OTHER, 0, 41), at(400), State.LEADING, List.of()),
        new Row("LEADING LeaderSeen(no leader key as of a later revision) → our key is gone: CAMPAIGNING",
            Fixture::leading, new Event.LeaderSeen(null, 0, 0, 50), at(400), State.CAMPAIGNING,
            List.of(new Campaign(2))),
        new Row("LEADING LeaderSeen(no leader key as of an earlier revision) is stale → LEADING", Fixture::leading,
            new Event.LeaderSeen(null, 0, 0, 41), at(400), State.LEADING, List.of()),
        new Row("LEADING VerifyResult(self) → LEADING", Fixture::leading,
            new Event.VerifyResult(SELF_SERVER), at(400), State.LEADING, List.of()),
        new Row("LEADING VerifyResult(other) → ACQUIRING, repairs by assigning again (fenced)", Fixture::leading,
            new Event.VerifyResult(OTHER_SERVER), at(400), State.ACQUIRING, List.of(new ReportRepair(Repair.REASSIGN,
                "floating IP routed to server 202 while this node leads"), new Assign(TERM))),
        new Row("LEADING VerifyResult(unassigned) → ACQUIRING, assigns again", Fixture::leading,
            new Event.VerifyResult(null), at(400), State.ACQUIRING, List.of(new ReportRepair(Repair.REASSIGN,
                "floating IP routed to server null while this node leads"), new Assign(TERM))),
        new Row("LEADING AddressObserved(absent) → re-binds, reports the repair", Fixture::leading,
            new Event.AddressObserved(false, 1), at(400), State.LEADING, List.of(new ReportRepair(Repair.REBIND,
                "address removed from the interface behind the leader's back"), new Bind())),
        new Row("LEADING AddressObserved(absent) read before our bind ran → stale, ignored", Fixture::leading,
            new Event.AddressObserved(false, 0), at(400), State.LEADING, List.of()),
        new Row("LEADING Superseded by a newer run of this agent → STOPPED, touches nothing", Fixture::leading,
            new Event.Superseded(LEASE, "run 1a2b"), at(400), State.STOPPED, List.of()),
        new Row("LEADING ApiserverHealth(false) → STEPPING_DOWN, resigns", Fixture::leading,
            new Event.ApiserverHealth(false), at(400), State.STEPPING_DOWN, List.of(new Resign(TERM))),
        new Row("LEADING Shutdown → STEPPING_DOWN, resigns then revokes", Fixture::leading,
            new Event.Shutdown(), at(400), State.STEPPING_DOWN, List.of(new Resign(TERM), new Revoke())),
        new Row("LEADING HolderChanged(self) → LEADING", Fixture::leading,
            new Event.HolderChanged(holder(SELF, SELF_SERVER, 42)), at(400), State.LEADING, List.of()),
        new Row("LEADING HolderChanged(other, newer epoch) → CAMPAIGNING, unbinds at once", Fixture::leading,
            new Event.HolderChanged(holder(OTHER, OTHER_SERVER, 50)), at(400), State.CAMPAIGNING,
            List.of(new Campaign(2), new Unbind())),
        new Row("LEADING HolderChanged(other, older epoch) is stale", Fixture::leading,
            new Event.HolderChanged(holder(OTHER, OTHER_SERVER, 30)), at(400), State.LEADING, List.of()),
        new Row("LEADING CampaignFailed (stale) ignored", Fixture::leading,
            new Event.CampaignFailed(1, "late"), at(400), State.LEADING, List.of()),
        new Row("LEADING BindFailed → retry bind later", Fixture::leading,
            new Event.BindFailed("RTNETLINK answers: Operation not permitted"), at(400), State.LEADING,
            List.of(new ScheduleRetry(Duration.ofSeconds(1), "bind: RTNETLINK answers: Operation not permitted"))),
        // SUSPENDED
        new Row("SUSPENDED KeepAliveOk(same lease, fresh) → LEADING, verifies", Fixture::suspended,
            new Event.KeepAliveOk(LEASE, 2, at(1590)), at(1700), State.LEADING,
            List.of(new VerifyAssignment(), new PublishHolder(TERM))),
        new Row("SUSPENDED KeepAliveOk(same lease, fresh), a read sent 2 s earlier → LEADING, the read deferred",
            Fixture::suspendedAfterAVerify, new Event.KeepAliveOk(LEASE, 2, at(3590)), at(3700), State.LEADING,
            List.of(new ReportVerifyDeferred(Duration.ofMillis(28_000)), new PublishHolder(TERM))),
        new Row("SUSPENDED KeepAliveOk(same lease, sent too long ago) stays SUSPENDED", Fixture::suspended,
            new Event.KeepAliveOk(LEASE, 2, at(100)), at(1700), State.SUSPENDED, List.of()),
        new Row("SUSPENDED KeepAliveOk(other lease) ignored", Fixture::suspended,
            new Event.KeepAliveOk(LEASE + 1, 2, at(1590)), at(1700), State.SUSPENDED, List.of()),
        new Row("SUSPENDED KeepAliveError → SUSPENDED (never unassign)", Fixture::suspended,
            new Event.KeepAliveError(LEASE, "unavailable"), at(1700), State.SUSPENDED, List.of()),
        new Row("SUSPENDED LeaseGone → CAMPAIGNING, IP kept at Hetzner, address kept", Fixture::suspended,
            new Event.LeaseGone(LEASE), at(1700), State.CAMPAIGNING, List.of(new Campaign(2))),
        new Row("SUSPENDED LeaderSeen(no leader key as of a later revision) → CAMPAIGNING, address kept",
            Fixture::suspended, new Event.LeaderSeen(null, 0, 0, 60), at(1700), State.CAMPAIGNING,
            List.of(new Campaign(2))),
        new Row("SUSPENDED Tick past the full TTL → still SUSPENDED: only etcd can say the lease is gone "
            + "(never unassign)", Fixture::suspended, tick, at(2000), State.SUSPENDED, List.of(new ObserveAddress())),
        new Row("SUSPENDED Tick before TTL → nothing", Fixture::suspended, tick, at(1999), State.SUSPENDED,
            List.of()),
        new Row("SUSPENDED VerifyResult(other) → unbinds (IP no longer routes here)", Fixture::suspended,
            new Event.VerifyResult(OTHER_SERVER), at(1700), State.SUSPENDED, List.of(new Unbind())),
        new Row("SUSPENDED AssignFailed(retryable) → no retry while suspended", Fixture::suspended,
            new Event.AssignFailed(TERM, Failure.RETRYABLE, "503"), at(1700), State.SUSPENDED, List.of()),
        new Row("SUSPENDED ApiserverHealth(false) → STEPPING_DOWN, resigns", Fixture::suspended,
            new Event.ApiserverHealth(false), at(1700), State.STEPPING_DOWN, List.of(new Resign(TERM))),
        new Row("SUSPENDED (60s TTL) 10 s later → keeps the address: no handover timer (never unassign)",
            f -> suspendedLong(), tick, LONG_TTL_SUSPEND + Duration.ofSeconds(10).toNanos(), State.SUSPENDED,
            List.of(new ObserveAddress()), LONG_TTL),
        // holding the address without leadership (lost the lease while Hetzner routes the IP here)
        new Row("CAMPAIGNING(holding) Tick at the re-check → reads Hetzner and the kernel", Fixture::holding, tick,
            at(2400), State.CAMPAIGNING, List.of(new VerifyAssignment(), new ObserveAddress())),
        new Row("CAMPAIGNING(holding) VerifyResult(self) → keeps the address (never unassign)", Fixture::holding,
            new Event.VerifyResult(SELF_SERVER), at(2500), State.CAMPAIGNING, List.of()),
        new Row("CAMPAIGNING(holding) VerifyFailed → keeps the address: no evidence (never unassign)",
            Fixture::holding, new Event.VerifyFailed(Failure.RETRYABLE, "network_error"), at(2500),
            State.CAMPAIGNING, List.of()),
        new Row("CAMPAIGNING(holding) VerifyResult(other) → drops the address", Fixture::holding,
            new Event.VerifyResult(OTHER_SERVER), at(2500), State.CAMPAIGNING, List.of(new Unbind())),
        new Row("CAMPAIGNING(holding) HolderChanged(other, newer) → drops the address", Fixture::holding,
            new Event.HolderChanged(holder(OTHER, OTHER_SERVER, 50)), at(900), State.CAMPAIGNING,
            List.of(new Unbind())),
        new Row("CAMPAIGNING(holding) HolderChanged(other, older) → keeps the address (never unassign)",
            Fixture::holding, new Event.HolderChanged(holder(OTHER, OTHER_SERVER, 30)), at(900),
            State.CAMPAIGNING, List.of()),
        new Row("CAMPAIGNING(holding) 10 minutes without etcd → still keeps the address, asks for its campaign again "
            + "(never unassign)",
            Fixture::holding, tick, at(600_000), State.CAMPAIGNING,
            List.of(new VerifyAssignment(), new ObserveAddress(), new Campaign(3))),
        // STEPPING_DOWN
        new Row("STEPPING_DOWN(shutdown) HolderChanged(other) → STOPPED, unbinds", Fixture::shuttingDown,
            new Event.HolderChanged(holder(OTHER, OTHER_SERVER, 50)), at(900), State.STOPPED, List.of(new Unbind())),
        new Row("STEPPING_DOWN(shutdown) HolderChanged(self) keeps waiting", Fixture::shuttingDown,
            new Event.HolderChanged(holder(SELF, SELF_SERVER, 42)), at(900), State.STEPPING_DOWN, List.of()),
        new Row("STEPPING_DOWN Tick before handover deadline → address kept", Fixture::shuttingDown, tick,
            at(10_499), State.STEPPING_DOWN, List.of()),
        new Row("STEPPING_DOWN Tick at handover deadline → STOPPED, unbinds", Fixture::shuttingDown, tick,
            at(10_500), State.STOPPED, List.of(new Unbind())),
        new Row("STEPPING_DOWN LeaseGone (after revoke) ignored", Fixture::shuttingDown,
            new Event.LeaseGone(LEASE), at(900), State.STEPPING_DOWN, List.of()),
        new Row("STEPPING_DOWN KeepAliveOk ignored", Fixture::shuttingDown, ok, at(900), State.STEPPING_DOWN,
            List.of()),
        new Row("STEPPING_DOWN ElectionWon (late) → resigns it", Fixture::shuttingDown,
            new Event.ElectionWon(TERM), at(900), State.STEPPING_DOWN, List.of(new Resign(TERM))),
        new Row("STEPPING_DOWN AssignDone (late) ignored", Fixture::shuttingDown,
            new Event.AssignDone(TERM, SELF_SERVER), at(900), State.STEPPING_DOWN, List.of()),
        new Row("STEPPING_DOWN(health) HolderChanged(other) → STANDBY, unbinds", Fixture::healthSteppingDown,
            new Event.HolderChanged(holder(OTHER, OTHER_SERVER, 50)), at(900), State.STANDBY, List.of(new Unbind())),
        new Row("STEPPING_DOWN(health) Shutdown → revokes, keeps handing over", Fixture::healthSteppingDown,
            new Event.Shutdown(), at(900), State.STEPPING_DOWN, List.of(new Revoke())),
        new Row("STEPPING_DOWN(health) ApiserverHealth(ok) → still hands over first", Fixture::healthSteppingDown,
            new Event.ApiserverHealth(true), at(900), State.STEPPING_DOWN, List.of()),
        // STOPPED
        new Row("STOPPED Tick ignored", Fixture::stopped, tick, at(900), State.STOPPED, List.of()),
        new Row("STOPPED AssignDone ignored", Fixture::stopped, new Event.AssignDone(TERM, SELF_SERVER), at(900),
            State.STOPPED, List.of()));
  }

  private static final long LONG_TTL_SUSPEND = at(40_000);

  /** 60 s TTL: the safe window is 40 s, so the leader is SUSPENDED at T0+40s with 20 s of lease left. */
  private static Context suspendedLong() {
    Context leading = LONG_TTL.apply(LONG_TTL.campaigning(), at(10), new Event.ElectionWon(TERM));
    leading = LONG_TTL.apply(leading, at(300), new Event.AssignDone(TERM, SELF_SERVER));
    leading = LONG_TTL.apply(leading, at(1000), new Event.KeepAliveOk(LEASE, 60, T0));
    leading = LONG_TTL.apply(leading, at(1100), new Event.VerifyResult(SELF_SERVER));
    return LONG_TTL.apply(leading, LONG_TTL_SUSPEND, new Event.Tick());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void transitionMatchesTheTable(Row row) {
    Context from = row.from().apply(row.fixture());
    LeaderStateMachine.Step step = row.fixture().machine.next(from, row.event(), row.now());
    assertThat(step.state()).as("state after %s", row.name()).isEqualTo(row.to());
    assertThat(step.actions()).as("actions after %s", row.name()).containsExactlyElementsOf(row.actions());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void theMachineIsPure(Row row) {
    Context from = row.from().apply(row.fixture());
    var first = row.fixture().machine.next(from, row.event(), row.now());
    var second = row.fixture().machine.next(from, row.event(), row.now());
    assertThat(second).isEqualTo(first);
  }

  /** A leader with a fresh lease at {@code millis}, so that only the deadline under test matters. */
  private static Context leadingFreshAt(long millis) {
    return F.apply(F.leading(), at(millis), new Event.KeepAliveOk(LEASE, 2, at(millis)));
  }

  /**
   * Regression (issue 8, defect 5): a stale POST by a paused ex-leader, landing after this node's takeover, was only
   * noticed at the next 60 s verify. Now Hetzner is read again one request timeout (10 s) after the takeover, then
   * every verify interval.
   */
  @Test
  void aNewLeaderReadsHetznerAgainOneRequestTimeoutAfterItsTakeoverThenEveryVerifyInterval() {
    assertThat(F.machine.next(leadingFreshAt(10_299), new Event.Tick(), at(10_299)).actions())
        .doesNotContain(new VerifyAssignment());
    var recheck = F.machine.next(leadingFreshAt(10_300), new Event.Tick(), at(10_300));
    assertThat(recheck.actions()).contains(new VerifyAssignment());
    assertThat(F.machine.next(recheck.context(), new Event.Tick(), at(10_400)).actions())
        .as("at most one verify in flight").doesNotContain(new VerifyAssignment());
    Context verified = F.apply(recheck.context(), at(10_500), new Event.VerifyResult(SELF_SERVER),
        new Event.KeepAliveOk(LEASE, 2, at(70_000)));
    assertThat(F.machine.next(verified, new Event.Tick(), at(70_299)).actions()).doesNotContain(new VerifyAssignment());
    assertThat(F.machine.next(verified, new Event.Tick(), at(70_300)).actions()).contains(new VerifyAssignment());
  }

  /** Regression (issue 8, defect 1): a winner that cannot assign gives the term up within takeoverTimeout. */
  @Test
  void aWinnerWhoseAssignNeverCompletesGivesUpAtTheTakeoverTimeoutAndSitsOutSoAnotherNodeWins() {
    Context stuck = F.acquiringFreshAt20s();
    assertThat(F.machine.next(stuck, new Event.Tick(), at(20_009)).state()).as("until 20 s after the win")
        .isEqualTo(State.ACQUIRING);
    Context gaveUp = F.machine.next(stuck, new Event.Tick(), at(20_010)).context();
    assertThat(gaveUp.state()).isEqualTo(State.STANDBY);
    assertThat(gaveUp.lastResignation()).isEqualTo("takeover not completed within PT20S");
    assertThat(gaveUp.address().bound()).isFalse();
    assertThat(F.machine.next(gaveUp, new Event.Tick(), at(21_009)).actions()).as("sits out 1 s").isEmpty();
    assertThat(F.machine.next(gaveUp, new Event.Tick(), at(21_010)).actions()).containsExactly(new Campaign(2));
    assertThat(F.machine.next(gaveUp, new Event.ElectionWon(TERM2), at(20_500)).actions())
        .as("a win while sitting out is resigned at once").containsExactly(new Resign(TERM2));
  }

  /**
   * A node whose token Hetzner rejected sits out of the election, then checks the token with one read instead of
   * campaigning; only a read that works lets it campaign again (a rotated Secret), a rejected one doubles the pause.
   */
  @Test
  void aRejectedTokenKeepsTheNodeOutOfTheElectionUntilOneReadWithTheCurrentTokenWorks() {
    Context rejected = F.rejected();
    assertThat(rejected.routing().credentialsRejected()).isTrue();
    assertThat(F.machine.next(rejected, new Event.Tick(), at(30_299)).actions()).isEmpty();
    var check = F.machine.next(rejected, new Event.Tick(), at(30_300));
    assertThat(check.actions()).containsExactly(new VerifyAssignment());
    assertThat(check.state()).isEqualTo(State.STANDBY);

    Context stillRejected = F.apply(check.context(), at(30_400),
        new Event.VerifyFailed(Failure.CREDENTIALS, "401 unauthorized"));
    assertThat(F.machine.next(stillRejected, new Event.Tick(), at(90_399)).actions()).as("then 60 s").isEmpty();
    assertThat(F.machine.next(stillRejected, new Event.Tick(), at(90_400)).actions())
        .containsExactly(new VerifyAssignment());

    Context works = F.apply(check.context(), at(30_400), new Event.VerifyResult(OTHER_SERVER));
    assertThat(works.routing().credentialsRejected()).isFalse();
    assertThat(F.machine.next(works, new Event.Tick(), at(30_500)).actions()).containsExactly(new Campaign(2));
  }

  /**
   * Once the operator replaces a rejected token (a new Secret, written into the mounted file), the node sitting out
   * checks the new one at once instead of after the rest of its sit-out (up to 2 min, while nobody may be able to take
   * over); checks stay at least 10 s apart, and a change while the token works asks nothing.
   */
  @Test
  void aChangedTokenEndsTheCredentialsSitOutWithOneCheckSpacedTenSecondsApart() {
    Context rejected = F.rejected(); // sits out until 30.3 s
    Context changed = F.apply(rejected, at(5_000), new Event.CredentialsChanged());
    var check = F.machine.next(changed, new Event.Tick(), at(5_000));
    assertThat(check.actions()).as("the new token is checked now").containsExactly(new VerifyAssignment());
    Context works = F.apply(check.context(), at(5_100), new Event.VerifyResult(OTHER_SERVER));
    assertThat(F.machine.next(works, new Event.Tick(), at(5_200)).actions()).containsExactly(new Campaign(2));

    Context stillRejected = F.apply(check.context(), at(5_100),
        new Event.VerifyFailed(Failure.CREDENTIALS, "401 unauthorized"));
    Context changedAgain = F.apply(stillRejected, at(6_000), new Event.CredentialsChanged());
    assertThat(F.machine.next(changedAgain, new Event.Tick(), at(14_999)).actions()).as("10 s after the last read")
        .isEmpty();
    assertThat(F.machine.next(changedAgain, new Event.Tick(), at(15_000)).actions())
        .containsExactly(new VerifyAssignment());

    assertThat(F.machine.next(F.standby(), new Event.CredentialsChanged(), at(100)).context())
        .as("nothing waits for a token that works").isEqualTo(F.standby());
  }

  /** A leader whose read was rejected checks a new token at once: the flag (and the alert on it) clears. */
  @Test
  void aLeaderWhoseTokenWasRejectedChecksANewOneAtOnce() {
    Context rejected = F.apply(leadingFreshAt(10_300), at(10_300), new Event.Tick(),
        new Event.VerifyFailed(Failure.CREDENTIALS, "401 unauthorized"));
    assertThat(rejected.routing().credentialsRejected()).isTrue();
    assertThat(F.machine.next(rejected, new Event.Tick(), at(11_000)).actions()).doesNotContain(new VerifyAssignment());
    Context changed = F.apply(rejected, at(11_000), new Event.CredentialsChanged());
    assertThat(F.machine.next(changed, new Event.Tick(), at(20_299)).actions()).as("10 s after the last read")
        .doesNotContain(new VerifyAssignment());
    var check = F.machine.next(F.apply(changed, at(20_300), new Event.KeepAliveOk(LEASE, 2, at(20_300))),
        new Event.Tick(), at(20_300));
    assertThat(check.actions()).contains(new VerifyAssignment());
    Context accepted = F.apply(check.context(), at(20_400), new Event.VerifyResult(SELF_SERVER));
    assertThat(accepted.routing().credentialsRejected()).isFalse();
    assertThat(accepted.state()).isEqualTo(State.LEADING);
  }

  /** Start-up: an address found bound is a restart of the holder when Hetzner routes the IP here, else stale. */
  @Test
  void anAddressFoundBoundAtStartUpIsKeptOnlyWhileHetznerRoutesTheIpHere() {
    Context found = F.apply(F.standby(), T0, new Event.AddressObserved(true, 0));
    assertThat(found.address().bound()).isTrue();
    assertThat(F.machine.next(found, new Event.VerifyResult(SELF_SERVER), at(100)).actions()).isEmpty();
    assertThat(F.machine.next(found, new Event.VerifyResult(OTHER_SERVER), at(100)).actions()).containsExactly(
        new ReportRepair(Repair.RELEASE, "floating IP routes to server 202, not here"), new Unbind());
    assertThat(F.machine.next(found, new Event.HolderChanged(holder(OTHER, OTHER_SERVER, 30)), at(100)).actions())
        .as("a holder record of another node for an unknown term: Hetzner decides").isEmpty();
  }

  /**
   * The campaign watchdog asks again with the lease the first campaign got: a win for a lease never confirmed is
   * judged from when that first campaign was issued (its grant cannot be earlier), not from when it was asked again.
   */
  @Test
  void aWinForAnUnconfirmedLeaseAfterTheWatchdogAskedAgainCountsFromTheFirstCampaign() {
    Context askedAgain = F.apply(F.standby(), T0, new Event.Tick()); // campaign 1 at T0, no keep-alive confirmed
    askedAgain = F.apply(askedAgain, at(6_000), new Event.Tick()); // campaign 2, the same lease
    assertThat(askedAgain.candidacy().attempt()).isEqualTo(2);
    assertThat(askedAgain.candidacy().campaignIssuedNanos()).isEqualTo(T0);
    var won = F.machine.next(askedAgain, new Event.ElectionWon(TERM), at(6_100));
    assertThat(won.state()).as("the lease may be 6.1 s old: not fresh enough to act on").isEqualTo(State.SUSPENDED);
    assertThat(won.actions()).noneMatch(Assign.class::isInstance);
  }

  @Test
  void anOlderTermWinningWhileLeadingIsRejected() {
    Term older = new Term(SELF, "/fipkeeper/203.0.113.10/election/789", 7, LEASE);
    assertThatThrownBy(() -> F.machine.next(F.leading(), new Event.ElectionWon(older), at(400)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("no transition from LEADING on ElectionWon");
  }

  @Test
  void noRowEverUnbindsWhileTheIpMayStillRouteHereWithoutABoundOrNewHolder() {
    // every row that leaves leadership because of etcd trouble keeps the address bound
    for (Row row : rows().filter(r -> r.name().contains("never unassign")).toList()) {
      var step = row.fixture().machine.next(row.from().apply(row.fixture()), row.event(), row.now());
      assertThat(step.actions()).as(row.name()).doesNotContain(new Unbind());
      assertThat(step.context().address().bound()).as(row.name()).isTrue();
    }
  }
}
