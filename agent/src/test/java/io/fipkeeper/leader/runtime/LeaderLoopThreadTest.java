package io.fipkeeper.leader.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fipkeeper.leader.Event;
import io.fipkeeper.leader.HolderRecord;
import io.fipkeeper.leader.LeaderSettings;
import io.fipkeeper.leader.State;
import io.fipkeeper.leader.Term;
import io.fipkeeper.leader.port.ElectionEvent;
import io.fipkeeper.time.Ticker;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The loop on real threads: events from other threads, a slow Hetzner worker, a bounded shutdown. No sleeps. */
@Timeout(30)
class LeaderLoopThreadTest {
  private static final String SELF = "cp-1";
  private static final long SELF_SERVER = 101;
  private static final long OTHER_SERVER = 202;
  private static final long LEASE = 0x77L;
  private static final Term TERM = new Term(SELF, "/fipkeeper/203.0.113.10/election/77", 9, LEASE);
  private static final Duration AWAIT = Duration.ofSeconds(10);

  private final FakeElection election = new FakeElection();
  private final FakeHetzner hetzner = new FakeHetzner(SELF_SERVER, OTHER_SERVER);
  private final FakeBinder binder = new FakeBinder();
  private final RecordingObserver observer = new RecordingObserver();

  @Test
  void aSlowTakeoverNeverDelaysSuspensionAndTheLocalFenceThenRefusesThePost() throws Exception {
    FakeTicker ticker = new FakeTicker();
    EventInbox inbox = new EventInbox(ticker);
    CountDownLatch hetznerAnswers = new CountDownLatch(1);
    hetzner.beforeTakeover = () -> {
      try {
        hetznerAnswers.await(AWAIT.toSeconds(), TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
    var threads = new LoopThreads(Executors.newSingleThreadExecutor(), Executors.newSingleThreadExecutor(),
        Executors.newSingleThreadExecutor(), Executors.newSingleThreadExecutor(), (period, tick) -> () -> { });
    LeaderLoop loop = new LeaderLoop(LeaderSettings.defaults(SELF, SELF_SERVER).withApiserverProbe(false), inbox,
        election, hetzner, binder, observer, ticker, InstantSource.system(), threads);
    try {
      loop.start();
      inbox.accept(new ElectionEvent.KeepAliveOk(LEASE, 2));
      inbox.accept(new ElectionEvent.ElectionWon(TERM));
      await("ACQUIRING with the takeover stuck at Hetzner").atMost(AWAIT)
          .until(() -> loop.state() == State.ACQUIRING);

      ticker.advance(Duration.ofMillis(1600));
      loop.post(new Event.Tick());
      await("SUSPENDED although the takeover is still running").atMost(AWAIT)
          .until(() -> loop.state() == State.SUSPENDED);

      hetznerAnswers.countDown();
      await("fenced takeover handled").atMost(AWAIT).until(() -> loop.state() == State.STANDBY);
      assertThat(hetzner.posts).as("no POST once suspended").isEmpty();
      assertThat(election.calls).as("the local half of the fence answered").doesNotContain("stillLeader 9");
      assertThat(hetzner.assignedTo).isEqualTo(OTHER_SERVER);
    } finally {
      loop.close();
    }
  }

  @Test
  void aFullTermOnDaemonThreadsEndsWithAShutdownThatWaitsForTheNextHolder() throws Exception {
    EventInbox inbox = new EventInbox(Ticker.system());
    LeaderLoop loop = new LeaderLoop(
        LeaderSettings.withTtl(SELF, SELF_SERVER, Duration.ofSeconds(10)).withApiserverProbe(false), inbox,
        election, hetzner, binder, observer, Ticker.system(), InstantSource.system(), LoopThreads.daemon(SELF));
    loop.start();
    await("campaign issued").atMost(AWAIT).until(() -> election.count("campaign") == 1);
    CompletableFuture.runAsync(() -> {
      inbox.accept(new ElectionEvent.KeepAliveOk(LEASE, 10));
      inbox.accept(new ElectionEvent.ElectionWon(TERM));
    });
    await("LEADING").atMost(AWAIT).until(() -> loop.state() == State.LEADING);
    await("holder published").atMost(AWAIT).until(() -> election.holders.size() == 1);
    assertThat(loop.alive()).isTrue();
    assertThat(observer.failovers).hasSize(1);

    CompletableFuture<Boolean> stopped = shutdownAsync(loop);
    await("STEPPING_DOWN").atMost(AWAIT).until(() -> loop.state() == State.STEPPING_DOWN);
    assertThat(binder.has(FakeHetzner.IP)).as("kept until the next holder has the IP").isTrue();
    inbox.accept(new ElectionEvent.HolderChanged(
        new HolderRecord("cp-2", OTHER_SERVER, FakeHetzner.IP, 12, Instant.EPOCH)));
    assertThat(stopped.get(AWAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(loop.state()).isEqualTo(State.STOPPED);
    assertThat(binder.has(FakeHetzner.IP)).isFalse();
    await("resign and revoke ran on the etcd worker").atMost(AWAIT)
        .untilAsserted(() -> assertThat(election.calls).containsSubsequence("resign 9", "revoke"));
    assertThat(hetzner.assignedTo).isEqualTo(SELF_SERVER);
  }

  /**
   * Regression (issue 8, defect 8): {@code ip} ran on the loop thread (a hung {@code ip} blocked every deadline for
   * its 5 s timeout), and closing the loop did not wait for the queued resign and revoke, so the agent closed etcd
   * under them. Every kernel call now runs on the kernel worker, and closing drains the etcd worker first.
   */
  @Test
  void kernelCallsNeverRunOnTheLoopThreadAndShutdownWaitsForTheQueuedResignAndRevoke() throws Exception {
    EventInbox inbox = new EventInbox(Ticker.system());
    CountDownLatch never = new CountDownLatch(1);
    election.slowCall = () -> { // a slow etcd: each call takes 300 ms
      try {
        never.await(300, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
    LeaderLoop loop = new LeaderLoop(
        LeaderSettings.withTtl(SELF, SELF_SERVER, Duration.ofSeconds(10)).withApiserverProbe(false), inbox,
        election, hetzner, binder, observer, Ticker.system(), InstantSource.system(), LoopThreads.daemon(SELF));
    loop.start();
    await("campaign issued").atMost(AWAIT).until(() -> election.count("campaign") == 1);
    inbox.accept(new ElectionEvent.KeepAliveOk(LEASE, 10));
    inbox.accept(new ElectionEvent.ElectionWon(TERM));
    await("LEADING and bound").atMost(AWAIT).until(() -> loop.state() == State.LEADING && binder.has(FakeHetzner.IP));

    CompletableFuture<Boolean> stopped = shutdownAsync(loop);
    await("STEPPING_DOWN").atMost(AWAIT).until(() -> loop.state() == State.STEPPING_DOWN);
    inbox.accept(new ElectionEvent.HolderChanged(
        new HolderRecord("cp-2", OTHER_SERVER, FakeHetzner.IP, 12, Instant.EPOCH)));
    assertThat(stopped.get(AWAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    election.close(); // what the agent does right after the loop's shutdown returns

    assertThat(election.calls).as("resign and revoke ran before etcd was closed")
        .containsSubsequence("resign 9", "revoke").doesNotContain("closed: resign 9", "closed: revoke");
    assertThat(binder.has(FakeHetzner.IP)).as("the last unbind ran before the workers stopped").isFalse();
    assertThat(binder.threads).as("threads that ran ip").isNotEmpty()
        .noneMatch(name -> name.startsWith("fipkeeper-loop-")).allMatch(name -> name.startsWith("fipkeeper-ip-"));
  }

  @Test
  void shutdownReturnsFalseAndRemovesTheAddressWhenTheBoundPassesFirst() throws Exception {
    FakeTicker ticker = new FakeTicker();
    EventInbox inbox = new EventInbox(ticker);
    LeaderLoop loop = new LeaderLoop(LeaderSettings.defaults(SELF, SELF_SERVER).withApiserverProbe(false), inbox,
        election, hetzner, binder, observer, ticker, InstantSource.system(), LoopThreads.direct());
    loop.start();
    inbox.accept(new ElectionEvent.KeepAliveOk(LEASE, 2));
    inbox.accept(new ElectionEvent.ElectionWon(TERM));
    assertThat(loop.state()).isEqualTo(State.LEADING);
    assertThat(loop.shutdown(Duration.ofMillis(50))).isFalse();
    assertThat(loop.state()).isEqualTo(State.STEPPING_DOWN);
    assertThat(binder.has(FakeHetzner.IP)).isFalse();
    assertThat(hetzner.assignedTo).isEqualTo(SELF_SERVER);
  }

  /** A graceful shutdown on another thread: it returns only once STOPPED or bounded out. */
  private static CompletableFuture<Boolean> shutdownAsync(LeaderLoop loop) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return loop.shutdown(AWAIT);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    });
  }
}
