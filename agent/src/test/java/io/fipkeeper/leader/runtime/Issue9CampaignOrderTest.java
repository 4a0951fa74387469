package io.fipkeeper.leader.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fipkeeper.etcd.ElectionIdentity;
import io.fipkeeper.etcd.EtcdElection;
import io.fipkeeper.etcd.EtcdSettings;
import io.fipkeeper.leader.AgentSnapshot;
import io.fipkeeper.leader.Event;
import io.fipkeeper.leader.HolderRecord;
import io.fipkeeper.leader.LeaderSettings;
import io.fipkeeper.leader.State;
import io.fipkeeper.leader.Term;
import io.fipkeeper.leader.port.ElectionBackend;
import io.fipkeeper.leader.port.ElectionEvent;
import io.fipkeeper.leader.port.ElectionException;
import io.fipkeeper.testing.EtcdExtension;
import io.fipkeeper.time.Ticker;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Regression (issue 9, defect 2: a campaign can be swallowed), the loop on real threads against a real etcd. The
 * Campaign ran on the loop thread while Resign and Revoke queued on the etcd worker: a campaign issued right after a
 * revoke reached etcd first, found the older attempt still waiting and returned without a word; the revoke then
 * dropped that attempt, and the agent stayed CAMPAIGNING forever. Now every etcd side effect runs on the etcd worker
 * in the order the machine issued it, and every campaign is answered.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class Issue9CampaignOrderTest {

  @RegisterExtension static final EtcdExtension etcd = new EtcdExtension();

  private static final Duration TTL = Duration.ofSeconds(2);
  private static final Duration AWAIT = Duration.ofSeconds(15);

  @Test
  void aCampaignIssuedRightAfterARevokeReachesEtcdAfterItAndWins() throws Exception {
    String prefix = EtcdExtension.randomPrefix();
    List<ElectionEvent> otherEvents = new CopyOnWriteArrayList<>();
    EventInbox inbox = new EventInbox(Ticker.system());
    try (EtcdElection other = new EtcdElection(EtcdSettings.plain(etcd.endpoints()), prefix, "203.0.113.10",
            ElectionIdentity.of("cp-2", 202), TTL, otherEvents::add);
        EtcdElection own = new EtcdElection(EtcdSettings.plain(etcd.endpoints()), prefix, "203.0.113.10",
            ElectionIdentity.of("cp-1", 101), TTL, inbox)) {
      other.campaign(1);
      await("cp-2 leads").atMost(AWAIT).until(() -> otherEvents.stream().anyMatch(ElectionEvent.ElectionWon.class::isInstance));
      Term otherTerm = otherEvents.stream().filter(ElectionEvent.ElectionWon.class::isInstance)
          .map(e -> ((ElectionEvent.ElectionWon) e).term()).findFirst().orElseThrow();

      SlowRevoke election = new SlowRevoke(own);
      LeaderLoop loop = new LeaderLoop(LeaderSettings.defaults("cp-1", 101), inbox, election,
          new FakeHetzner(101, 202L), new FakeBinder(), LeaderObserver.NONE, Ticker.system(), InstantSource.system(),
          LoopThreads.daemon("cp-1"));
      try {
        loop.start();
        loop.post(new Event.ApiserverHealth(true));
        await("cp-1's campaign waits behind cp-2").atMost(AWAIT)
            .until(() -> loop.state() == State.CAMPAIGNING && own.leaseId() != 0);

        loop.post(new Event.ApiserverHealth(false)); // withdraw: Revoke, slow to reach etcd
        loop.post(new Event.ApiserverHealth(true)); // and back: a new Campaign right behind it
        await("the revoke reached etcd").atMost(AWAIT).until(() -> election.revoked.getCount() == 0);
        other.resign(otherTerm, Duration.ofSeconds(2));

        await("cp-1 leads once cp-2 stepped down").atMost(AWAIT).until(() -> loop.state() == State.LEADING);
      } finally {
        loop.close();
      }
    }
  }

  /** Delegates to the real election; a revoke takes 500 ms before it reaches etcd, like one behind a slow resign. */
  private static final class SlowRevoke implements ElectionBackend {
    private final ElectionBackend real;
    final CountDownLatch revoked = new CountDownLatch(1);

    SlowRevoke(ElectionBackend real) {
      this.real = real;
    }

    @Override
    public Optional<Long> adoptPreviousLease(Duration timeout) throws ElectionException {
      return real.adoptPreviousLease(timeout);
    }

    @Override
    public void campaign(long attempt) {
      real.campaign(attempt);
    }

    @Override
    public boolean stillLeader(Term term, Duration timeout) {
      return real.stillLeader(term, timeout);
    }

    @Override
    public void resign(Term term, Duration timeout) {
      real.resign(term, timeout);
    }

    @Override
    public void revoke(Duration timeout) {
      try {
        new CountDownLatch(1).await(500, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      real.revoke(timeout);
      revoked.countDown();
    }

    @Override
    public boolean publishHolder(Term term, HolderRecord holder, Duration timeout) {
      return real.publishHolder(term, holder, timeout);
    }

    @Override
    public void publishAgent(AgentSnapshot snapshot) {
      real.publishAgent(snapshot);
    }

    @Override
    public void close() {
      real.close();
    }
  }
}
