package io.fipkeeper.leader.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.fipkeeper.leader.Action;
import io.fipkeeper.leader.Event;
import io.fipkeeper.leader.LeaderSettings;
import io.fipkeeper.leader.State;
import io.fipkeeper.leader.Term;
import io.fipkeeper.leader.port.ElectionEvent;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;

/**
 * Regression (issue 9, defect 1: unlimited recovery verifies): every SUSPENDED → LEADING recovery sent a GET to
 * Hetzner. A leader flapping under a slow etcd (a keep-alive answered just after the safe window, again and again)
 * spent one request of the project's shared 3600/h budget per flap, the budget the CCM and the CSI driver need too.
 * Now a recovery reads Hetzner only if no read went out in the last 30 s, and brings the next read forward instead.
 */
class Issue9VerifyBudgetTest {
  private static final long SELF_SERVER = 101;
  private static final long LEASE = 0x99L;
  private static final Term TERM = new Term("cp-1", "/fipkeeper/203.0.113.10/election/99", 42, LEASE);

  private final FakeTicker ticker = new FakeTicker();
  private final FakeElection election = new FakeElection();
  private final FakeHetzner hetzner = new FakeHetzner(SELF_SERVER, 202L);
  private final FakeBinder binder = new FakeBinder();
  private final RecordingObserver observer = new RecordingObserver();
  private final EventInbox inbox = new EventInbox(ticker);

  @Test
  void aLeaderFlappingBetweenSuspendedAndLeadingReadsHetznerAtMostOncePerThirtySeconds() {
    LeaderLoop loop = new LeaderLoop(LeaderSettings.defaults("cp-1", SELF_SERVER).withApiserverProbe(false), inbox,
        election, hetzner, binder, observer, ticker, InstantSource.fixed(Instant.parse("2026-01-01T00:00:00Z")),
        LoopThreads.direct());
    loop.start();
    inbox.accept(new ElectionEvent.KeepAliveOk(LEASE, 2));
    inbox.accept(new ElectionEvent.ElectionWon(TERM));
    assertThat(loop.state()).isEqualTo(State.LEADING);
    int readsBefore = hetzner.reads;

    int flaps = 0;
    for (int i = 0; i < 40; i++) { // 40 flaps in 64 s
      ticker.advance(Duration.ofMillis(1_600)); // past the safe window: SUSPENDED
      inbox.post(new Event.Tick());
      assertThat(loop.state()).isEqualTo(State.SUSPENDED);
      inbox.accept(new ElectionEvent.KeepAliveOk(LEASE, 2)); // the late keep-alive: LEADING again
      assertThat(loop.state()).isEqualTo(State.LEADING);
      flaps++;
    }

    int reads = hetzner.reads - readsBefore;
    System.out.println("measured Hetzner reads during " + flaps + " flaps in 64 s reads=" + reads);
    assertThat(reads).as("reads of Hetzner during %d flaps in 64 s", flaps).isBetween(1, 3);
    assertThat(observer.actions).filteredOn(Action.ReportVerifyDeferred.class::isInstance)
        .as("each held-back read is counted").hasSize(flaps - reads);
    assertThat(hetzner.posts).as("the IP never moved: no assign").hasSize(1);
  }
}
