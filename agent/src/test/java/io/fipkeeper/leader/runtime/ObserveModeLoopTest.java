package io.fipkeeper.leader.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.fipkeeper.leader.Action;
import io.fipkeeper.leader.Event;
import io.fipkeeper.leader.HolderRecord;
import io.fipkeeper.leader.LeaderSettings;
import io.fipkeeper.leader.State;
import io.fipkeeper.leader.Term;
import io.fipkeeper.leader.port.AddressBinder;
import io.fipkeeper.leader.port.ElectionEvent;
import io.fipkeeper.leader.port.FloatingIpTakeover;
import io.fipkeeper.metrics.AgentMetrics.WouldAction;
import io.fipkeeper.observe.ObserveReport;
import io.fipkeeper.observe.ObservingBinder;
import io.fipkeeper.observe.ObservingTakeover;
import io.fipkeeper.observe.ShadowRouting;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Observe mode with the real loop and state machine on a fake ticker: the would-be ports sit in front of the same
 * fakes the active scenarios use, beside "another controller" that holds the floating IP on server 202 (and, in some
 * cases, the address on this node). Whatever the election does, nothing reaches the fakes' mutating calls, the
 * machine does not spin against the other controller's state, and what it would have done is reported.
 */
class ObserveModeLoopTest {
  private static final String SELF = "cp-1";
  private static final long SELF_SERVER = 101;
  private static final long OTHER_SERVER = 202;
  private static final long LEASE = 0x1234L;
  private static final Term TERM = new Term(SELF, "/fipkeeper/observe/203.0.113.10/election/1234", 42, LEASE);

  private final FakeTicker ticker = new FakeTicker();
  private final FakeElection election = new FakeElection();
  private final FakeHetzner hetzner = new FakeHetzner(SELF_SERVER, OTHER_SERVER);
  private final FakeBinder binder = new FakeBinder();
  private final AtomicInteger kernelReads = new AtomicInteger();
  private final RecordingObserver observer = new RecordingObserver();
  private final EventInbox inbox = new EventInbox(ticker);
  private final List<WouldAction> counted = new CopyOnWriteArrayList<>();
  private final ObserveReport report = new ObserveReport(FakeHetzner.IP, counted::add);
  private final ShadowRouting shadow = new ShadowRouting();

  private LeaderLoop observingLoop() {
    FloatingIpTakeover takeover = new ObservingTakeover(hetzner, SELF_SERVER, shadow, report);
    AddressBinder kernel = new ObservingBinder(new CountingBinder(binder, kernelReads), report);
    return new LeaderLoop(LeaderSettings.defaults(SELF, SELF_SERVER).withApiserverProbe(false), inbox, election,
        takeover, kernel, observer, ticker, InstantSource.fixed(Instant.parse("2026-01-01T00:00:00Z")),
        LoopThreads.direct(), true);
  }

  private void keepAlive() {
    inbox.accept(new ElectionEvent.KeepAliveOk(LEASE, 2));
  }

  private void tickAfter(Duration d) {
    ticker.advance(d);
    inbox.post(new Event.Tick());
  }

  /** Ten minutes of 100 ms ticks, a confirmed keep-alive every 600 ms (etcd renews every TTL/3). */
  private void leadForTenMinutes() {
    for (int i = 1; i <= 6000; i++) {
      if (i % 6 == 0) {
        keepAlive();
      }
      tickAfter(Duration.ofMillis(100));
    }
  }

  private LeaderLoop wouldBeLeader() {
    LeaderLoop loop = observingLoop();
    loop.start();
    keepAlive();
    ElectionEvent won = new ElectionEvent.ElectionWon(TERM);
    shadow.tap(inbox).accept(won);
    return loop;
  }

  @Test
  void aWouldBeLeaderReportsItsAssignAndBindButNeitherAssignsNorBindsAndStaysQuietForTenMinutes() {
    LeaderLoop loop = wouldBeLeader();

    assertThat(loop.state()).as("would hold: the would-be takeover completed").isEqualTo(State.LEADING);
    assertThat(election.calls).as("fenced like a real takeover, published under the observers' prefix")
        .containsSubsequence("campaign", "stillLeader 42", "publishHolder 42");
    assertThat(counted).containsExactlyInAnyOrder(WouldAction.BIND, WouldAction.ASSIGN);
    assertThat(report.lastWouldAction()).isEqualTo("assign 203.0.113.10 to server 101 (Hetzner routes it to server 202)");
    assertThat(observer.failovers).as("the would-be takeover is still timed for the log").hasSize(1);

    leadForTenMinutes();

    assertThat(loop.state()).isEqualTo(State.LEADING);
    assertThat(hetzner.posts).as("no assign ever reached Hetzner").isEmpty();
    assertThat(hetzner.assignedTo).as("the other controller keeps the IP").isEqualTo(OTHER_SERVER);
    assertThat(binder.ops).as("no bind or unbind ever reached the kernel").isEmpty();
    assertThat(observer.actions).as("no repair: the would-be world agrees with the machine")
        .noneMatch(a -> a instanceof Action.ReportRepair);
    assertThat(counted).as("each would-be action once, not once per verify").hasSize(2);
    // one GET in the takeover, the re-check 10 s later, then one every 60 s: the active leader's budget
    assertThat(hetzner.reads).isBetween(10, 13);
    // the kernel at start-up, then every 2 s while leading: ~300, not one per tick
    assertThat(kernelReads.get()).isBetween(290, 310);
    assertThat(report.realServer()).isEqualTo(OTHER_SERVER);
    assertThat(report.present(loop.snapshot()).assignedServer()).as("/status shows the real routing")
        .isEqualTo(OTHER_SERVER);
    assertThat(loop.snapshot().assignedServer()).as("the machine acts on the would-be routing").isEqualTo(SELF_SERVER);
  }

  /**
   * The address of the other controller's holder (Talos' VIP, keepalived) on this node: an active agent removes it
   * at start-up when Hetzner routes the IP elsewhere; an observer never touches it and does not even spend a
   * Hetzner read on it.
   */
  @Test
  void anAddressAnotherControllerBoundOnThisNodeIsNeverTouchedAndCostsNoHetznerRead() throws Exception {
    binder.bind(InetAddress.getByName(FakeHetzner.IP));
    binder.ops.clear();
    LeaderLoop loop = observingLoop();
    loop.start();
    inbox.accept(new ElectionEvent.LeaderSeen("cp-2", 202, 40));
    for (int i = 0; i < 1200; i++) {
      tickAfter(Duration.ofMillis(100));
    }

    assertThat(loop.state()).isEqualTo(State.CAMPAIGNING);
    assertThat(binder.has(FakeHetzner.IP)).as("still there").isTrue();
    assertThat(binder.ops).isEmpty();
    assertThat(hetzner.reads).as("the machine never saw the address, so never asked Hetzner about it").isZero();
    assertThat(report.realBound()).as("but the kernel was read").isTrue();
    assertThat(counted).isEmpty();
  }

  /** The control for the test above: the same start in active mode removes the address. */
  @Test
  void theSameStartInActiveModeRemovesTheAddress() throws Exception {
    binder.bind(InetAddress.getByName(FakeHetzner.IP));
    LeaderLoop loop = new LeaderLoop(LeaderSettings.defaults(SELF, SELF_SERVER).withApiserverProbe(false), inbox,
        election, hetzner, binder, observer, ticker, InstantSource.system(), LoopThreads.direct());
    loop.start();

    assertThat(binder.has(FakeHetzner.IP)).isFalse();
  }

  /**
   * This node is the other controller's holder and the observers' would-be leader at once; when a newer observer
   * takes the would-be term over, the machine unbinds, but only its would-be address: the real one stays.
   */
  @Test
  void losingTheWouldBeTermToANewerObserverLeavesTheRealAddressAlone() throws Exception {
    hetzner.assignedTo = SELF_SERVER;
    binder.bind(InetAddress.getByName(FakeHetzner.IP));
    binder.ops.clear();
    LeaderLoop loop = wouldBeLeader();
    assertThat(report.lastWouldAction()).as("a would-be assign where the IP already is")
        .isEqualTo("assign 203.0.113.10 to server 101 (Hetzner routes it to server 101)");

    shadow.tap(inbox).accept(new ElectionEvent.HolderChanged(
        new HolderRecord("cp-2", OTHER_SERVER, FakeHetzner.IP, 50, Instant.parse("2026-01-01T00:00:05Z"))));

    assertThat(loop.state()).isEqualTo(State.CAMPAIGNING);
    assertThat(counted).containsExactly(WouldAction.BIND, WouldAction.ASSIGN, WouldAction.UNBIND);
    assertThat(report.lastWouldAction()).isEqualTo("unbind 203.0.113.10 from eth0 (left alone: another controller put it there)");
    assertThat(binder.has(FakeHetzner.IP)).isTrue();
    assertThat(binder.ops).isEmpty();
    assertThat(shadow.server()).as("the would-be routing follows the newer observer").isEqualTo(OTHER_SERVER);
  }

  /** A graceful stop of a would-be leader: resign, revoke, "hand over", stop; the address is not removed. */
  @Test
  void shutdownOfAWouldBeLeaderResignsWithoutTouchingTheKernel() throws Exception {
    binder.bind(InetAddress.getByName(FakeHetzner.IP));
    binder.ops.clear();
    LeaderLoop loop = wouldBeLeader();

    assertThat(loop.shutdown(Duration.ofMillis(1))).isFalse(); // nobody publishes a newer holder: the bound passes
    tickAfter(Duration.ofSeconds(11));

    assertThat(election.calls).contains("resign 42", "revoke");
    assertThat(binder.has(FakeHetzner.IP)).isTrue();
    assertThat(binder.ops).isEmpty();
    assertThat(hetzner.posts).isEmpty();
  }

  /**
   * Whatever the election, etcd, the apiserver and time do (a seeded random walk over every election fact the loop
   * gets, with the other controller's address on this node), no assign and no address change reaches the real
   * ports.
   */
  @Test
  void noSequenceOfElectionFactsMakesAnObserverAssignOrChangeAnAddress() throws Exception {
    binder.bind(InetAddress.getByName(FakeHetzner.IP));
    binder.ops.clear();
    LeaderLoop loop = observingLoop();
    loop.start();
    java.util.Random random = new java.util.Random(11);
    long revision = 42;
    long lease = LEASE;
    java.util.Set<State> seen = java.util.EnumSet.noneOf(State.class);
    for (int i = 0; i < 3000; i++) {
      switch (random.nextInt(10)) {
        case 0 -> {
          revision += 1 + random.nextInt(3);
          shadow.tap(inbox).accept(new ElectionEvent.ElectionWon(new Term(SELF, "k/" + revision, revision, lease)));
        }
        case 1 -> inbox.accept(new ElectionEvent.LeaderSeen("cp-2", OTHER_SERVER, revision + random.nextInt(3)));
        case 2 -> shadow.tap(inbox).accept(new ElectionEvent.HolderChanged(new HolderRecord(
            random.nextBoolean() ? "cp-2" : SELF, random.nextBoolean() ? OTHER_SERVER : SELF_SERVER, FakeHetzner.IP,
            revision + random.nextInt(3) - 1, Instant.EPOCH)));
        case 3 -> inbox.accept(new ElectionEvent.LeaseGone(lease));
        case 4 -> inbox.accept(new ElectionEvent.KeepAliveError(lease, "unavailable"));
        case 5 -> inbox.post(new Event.ApiserverHealth(random.nextInt(4) != 0));
        case 6 -> hetzner.assignedTo = random.nextBoolean() ? OTHER_SERVER : SELF_SERVER; // the other controller
        default -> {
          if (random.nextInt(3) != 0) {
            keepAlive();
          }
          tickAfter(Duration.ofMillis(100 + random.nextInt(1500)));
        }
      }
      seen.add(loop.state());
      if (random.nextInt(200) == 0) {
        lease++; // a new lease after a lost one
      }
    }
    loop.shutdown(Duration.ofMillis(1));
    tickAfter(Duration.ofSeconds(11));

    assertThat(seen).as("the walk went through the machine's states")
        .contains(State.CAMPAIGNING, State.LEADING, State.SUSPENDED, State.STANDBY);
    assertThat(hetzner.posts).isEmpty();
    assertThat(binder.ops).isEmpty();
    assertThat(binder.has(FakeHetzner.IP)).isTrue();
    assertThat(counted).as("it would have done things").contains(WouldAction.ASSIGN, WouldAction.BIND);
  }

  /** Counts kernel reads on the way to a binder; everything else passes through. */
  private record CountingBinder(AddressBinder inner, AtomicInteger reads) implements AddressBinder {
    @Override
    public void bind(InetAddress address) throws java.io.IOException {
      inner.bind(address);
    }

    @Override
    public void unbind(InetAddress address) throws java.io.IOException {
      inner.unbind(address);
    }

    @Override
    public boolean isBound(InetAddress address) throws java.io.IOException {
      reads.incrementAndGet();
      return inner.isBound(address);
    }

    @Override
    public String interfaceName() {
      return inner.interfaceName();
    }

    @Override
    public java.util.Set<InetAddress> boundAddresses() throws java.io.IOException {
      return inner.boundAddresses();
    }
  }
}
