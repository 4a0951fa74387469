package io.fipkeeper.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.Client;
import io.fipkeeper.leader.Term;
import io.fipkeeper.leader.port.ElectionEvent;
import io.fipkeeper.testing.EtcdExtension;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What an agent hears when etcd goes away: any outage is SUSPENDED ({@code KeepAliveError}, then {@code KeepAliveOk}
 * again once etcd is back, whose new leader extends every lease); only etcd saying the lease is unknown is LOST
 * ({@code LeaseGone}). Own etcd, since these tests stop and pause it.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class EtcdOutageTest {

  @RegisterExtension static final EtcdExtension etcd = new EtcdExtension();

  private final List<Candidate> candidates = new ArrayList<>();

  @AfterEach
  void handOverAndClose() {
    if (!etcd.isRunning()) {
      etcd.afterEach(null);
    }
    candidates.forEach(Candidate::close);
  }

  private Candidate leader(Duration ttl) {
    Candidate c = new Candidate(etcd, EtcdExtension.randomPrefix(), "node-a", ttl);
    candidates.add(c);
    c.campaign();
    await("node-a wins").atMost(Duration.ofSeconds(10)).until(c::won);
    await("first keep-alive answered").atMost(ttl).until(() -> !c.eventsOf(ElectionEvent.KeepAliveOk.class).isEmpty());
    return c;
  }

  /**
   * Regression (issue 9, defect 1: jetcd's keep-alive deadline): etcd away for longer than the TTL is not a lost
   * lease. etcd keeps leases across its own leader changes and restarts and extends every one of them when a new leader
   * takes over ({@code lessor.Promote}); jetcd's client-side deadline nevertheless declared the lease gone after one
   * TTL and revoked it, so every etcd leader election cost the leader its term and every candidate its place.
   */
  @Test
  void etcdStoppedLongerThanTheTtlGivesKeepAliveErrorsButTheLeaseAndTheTermSurviveItsReturn() {
    Candidate c = leader(Duration.ofSeconds(2));
    Term term = c.term().orElseThrow();

    long stopped = System.nanoTime();
    etcd.stop();
    await("keep-alive error while etcd is down").atMost(Duration.ofSeconds(5))
        .until(() -> c.indexOf(ElectionEvent.KeepAliveError.class) >= 0);
    await("no LeaseGone while etcd is away for twice the TTL").during(Duration.ofSeconds(4))
        .atMost(Duration.ofSeconds(5)).until(() -> c.eventsOf(ElectionEvent.LeaseGone.class).isEmpty());
    etcd.start();
    System.out.println("measured etcd outage millis=" + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped));
    int before = c.events.size();
    await("keep-alive answered again once etcd is back").atMost(Duration.ofSeconds(10))
        .until(() -> c.events.subList(before, c.events.size()).stream()
            .anyMatch(e -> e instanceof ElectionEvent.KeepAliveOk ok && ok.leaseId() == term.leaseId()));

    assertThat(c.eventsOf(ElectionEvent.LeaseGone.class)).isEmpty();
    assertThat(c.election.leaseId()).isEqualTo(term.leaseId());
    assertThat(c.election.stillLeader(term, Candidate.CALL_TIMEOUT)).as("the same term survives the outage").isTrue();
  }

  /** The one way a lease is lost: etcd answers that it does not know it (here: revoked behind the agent's back). */
  @Test
  void aLeaseRevokedBehindTheAgentsBackIsLeaseGoneOnceAndANewCampaignWinsWithANewLease() {
    Candidate c = leader(Duration.ofSeconds(2));
    long lease = c.election.leaseId();

    try (Client raw = Client.builder().endpoints(etcd.endpoints().toArray(URI[]::new)).build()) {
      raw.getLeaseClient().revoke(lease).orTimeout(5, TimeUnit.SECONDS).join();
    }
    await("lease gone within one keep-alive interval").atMost(Duration.ofSeconds(3))
        .until(() -> c.eventsOf(ElectionEvent.LeaseGone.class).contains(new ElectionEvent.LeaseGone(lease)));
    assertThat(c.eventsOf(ElectionEvent.LeaseGone.class)).hasSize(1);
    assertThat(c.events.subList(c.indexOf(ElectionEvent.LeaseGone.class) + 1, c.events.size()))
        .as("nothing about the lost lease after LeaseGone")
        .noneMatch(e -> e instanceof ElectionEvent.KeepAliveOk ok && ok.leaseId() == lease);
    assertThat(c.election.leaseId()).isZero();

    c.campaign();
    await("wins again with a new lease").atMost(Duration.ofSeconds(10))
        .until(() -> c.term().orElseThrow().leaseId() != lease);
    assertThat(c.election.stillLeader(c.term().orElseThrow(), Candidate.CALL_TIMEOUT)).isTrue();
  }

  @Test
  void etcdBackWithinTheTtlGivesKeepAliveErrorButNoLeaseGone() {
    Candidate c = leader(Duration.ofSeconds(8));
    Term term = c.term().orElseThrow();

    long stopped = System.nanoTime();
    etcd.stop();
    await("keep-alive error while etcd is down").atMost(Duration.ofSeconds(5))
        .until(() -> c.indexOf(ElectionEvent.KeepAliveError.class) >= 0);
    etcd.start();
    System.out.println("measured etcd restart outage millis=" + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped));
    int errorAt = c.indexOf(ElectionEvent.KeepAliveError.class);
    await("keep-alive answered again").atMost(Duration.ofSeconds(6))
        .until(() -> c.events.subList(errorAt, c.events.size()).stream().anyMatch(ElectionEvent.KeepAliveOk.class::isInstance));

    assertThat(c.eventsOf(ElectionEvent.LeaseGone.class)).isEmpty();
    assertThat(c.election.stillLeader(term, Candidate.CALL_TIMEOUT)).as("same term survives a short outage").isTrue();
  }

  @Test
  void hungEtcdFailsTheFencingCheckWithinItsTimeoutAndRecovers() {
    Candidate c = leader(Duration.ofSeconds(8));
    Term term = c.term().orElseThrow();

    etcd.pause();
    long asked = System.nanoTime();
    boolean answer = c.election.stillLeader(term, Duration.ofMillis(500));
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked);
    etcd.resume();

    assertThat(answer).as("no answer means not leader").isFalse();
    assertThat(millis).as("bounded by its timeout").isLessThan(1500);
    assertThat(c.election.stillLeader(term, Candidate.CALL_TIMEOUT)).isTrue();
    assertThat(c.eventsOf(ElectionEvent.LeaseGone.class)).isEmpty();
  }

  @Test
  void resignAndRevokeGiveUpWithinTheirTimeoutsWhenEtcdHangs() {
    Candidate c = leader(Duration.ofSeconds(8));
    Term term = c.term().orElseThrow();

    etcd.pause();
    Thread.currentThread().interrupt(); // shutdown arrives as an interrupt: clean-up still waits its own deadline
    long started = System.nanoTime();
    c.election.resign(term, Duration.ofMillis(300));
    c.election.revoke(Duration.ofMillis(300));
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    boolean interruptKept = Thread.interrupted();
    etcd.resume();

    assertThat(millis).isBetween(500L, 2000L);
    assertThat(interruptKept).as("the interrupt is restored for the caller").isTrue();
  }
}
