package io.fipkeeper.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
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
 * Regression (issue 9, defect 3: partition failover). A partition of the node that hosts etcd's raft leader costs an
 * etcd leader election, and the partition's end another one (without pre-vote the rejoining member forces it). The
 * chaos suite showed what jetcd's client-side deadline made of those seconds without answers: the queued candidates
 * declared their own leases gone and revoked them (losing their places, so the takeover waited for their churn) and,
 * after the heal, the new leader lost its term as well — extra failovers and 7–13 s recoveries where etcd's own floor
 * was 4–6 s. Here etcd restarts (its only member comes back as a new raft leader, which extends every lease): the
 * leader keeps its term, the queued candidate keeps its key and place, and when the leader then dies the candidate
 * takes over one TTL later, as if nothing had happened.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class Issue9EtcdLeaderChangeTest {

  @RegisterExtension static final EtcdExtension etcd = new EtcdExtension();

  private static final Duration TTL = Duration.ofSeconds(2);
  private final List<Candidate> candidates = new ArrayList<>();

  @AfterEach
  void close() {
    if (!etcd.isRunning()) {
      etcd.afterEach(null);
    }
    candidates.forEach(Candidate::close);
  }

  @Test
  void anEtcdLeaderChangeCostsNeitherTheLeaderItsTermNorTheQueuedCandidateItsPlace() throws Exception {
    String prefix = EtcdExtension.randomPrefix();
    Candidate leader = new Candidate(etcd, prefix, "node-a", TTL);
    Candidate queued = new Candidate(etcd, prefix, "node-b", TTL);
    candidates.add(leader);
    candidates.add(queued);
    leader.campaign();
    await("node-a leads").atMost(Duration.ofSeconds(10)).until(leader::won);
    queued.campaign();
    await("node-b's key waits").atMost(Duration.ofSeconds(5)).until(() -> queued.election.leaseId() != 0);
    Term term = leader.term().orElseThrow();
    KeyValue place = candidateKey(prefix, queued.election.leaseId());

    etcd.kill(); // the cluster has no leader for twice the TTL, then a new one
    await("both see keep-alives fail").atMost(Duration.ofSeconds(5))
        .until(() -> leader.indexOf(ElectionEvent.KeepAliveError.class) >= 0
            && queued.indexOf(ElectionEvent.KeepAliveError.class) >= 0);
    await("no lease is given up while etcd has no leader").during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(5))
        .until(() -> leader.eventsOf(ElectionEvent.LeaseGone.class).isEmpty()
            && queued.eventsOf(ElectionEvent.LeaseGone.class).isEmpty());
    etcd.start();
    int after = leader.events.size();
    await("the leader's lease is renewed again").atMost(Duration.ofSeconds(10)).until(() ->
        leader.events.subList(after, leader.events.size()).stream().anyMatch(ElectionEvent.KeepAliveOk.class::isInstance));

    assertThat(leader.election.stillLeader(term, Candidate.CALL_TIMEOUT)).as("node-a keeps its term").isTrue();
    // the loop's watchdog asks again: etcd still has the key
    queued.campaign();
    assertThat(candidateKey(prefix, queued.election.leaseId()).getCreateRevision())
        .as("node-b keeps its key, hence its place").isEqualTo(place.getCreateRevision());
    assertThat(leader.eventsOf(ElectionEvent.LeaseGone.class)).isEmpty();
    assertThat(queued.eventsOf(ElectionEvent.LeaseGone.class)).isEmpty();

    long crashed = System.nanoTime();
    leader.election.close(); // node-a dies without resigning: its lease has to expire
    await("node-b takes over once node-a's lease expired").atMost(TTL.plusSeconds(3)).until(queued::won);
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - crashed);
    System.out.println("measured takeover after the etcd leader change and a crash millis=" + millis);
    assertThat(queued.term().orElseThrow().revision()).as("with the key it queued with")
        .isEqualTo(place.getCreateRevision());
  }

  /**
   * Regression (found by a CI run of the test above): the chart lists only the node's own member, and gRPC waits
   * longer and longer between reconnection attempts while that member is down (1 s, 1.6 s, 2.6 s, 4.1 s, 6.6 s, ...).
   * After an outage of ten seconds its next attempt came up to seven seconds after etcd was back, and etcd's grace
   * for leases after its restart is one TTL plus an election timeout (3 s): the leader lost a term that etcd kept for
   * it. The election now reconnects as soon as the member answers on a fresh connection.
   */
  @Test
  void aLongOutageOfTheOnlyMemberCostsTheLeaderNothingOnceTheMemberIsBack() throws Exception {
    String prefix = EtcdExtension.randomPrefix();
    Candidate leader = new Candidate(etcd, prefix, "node-a", TTL);
    candidates.add(leader);
    leader.campaign();
    await("node-a leads").atMost(Duration.ofSeconds(10)).until(leader::won);
    Term term = leader.term().orElseThrow();

    etcd.kill();
    await("keep-alives fail").atMost(Duration.ofSeconds(5))
        .until(() -> leader.indexOf(ElectionEvent.KeepAliveError.class) >= 0);
    // down long enough for gRPC's reconnect backoff to grow past etcd's lease grace after a restart
    await("no lease is given up while etcd is down").during(Duration.ofSeconds(20)).atMost(Duration.ofSeconds(21))
        .until(() -> leader.eventsOf(ElectionEvent.LeaseGone.class).isEmpty());
    etcd.start();
    long back = System.nanoTime();
    int after = leader.events.size();
    await("the leader's lease is renewed again").atMost(Duration.ofSeconds(10)).until(() ->
        leader.events.subList(after, leader.events.size()).stream().anyMatch(ElectionEvent.KeepAliveOk.class::isInstance)
            || !leader.eventsOf(ElectionEvent.LeaseGone.class).isEmpty());
    System.out.println("measured first renewal after the member answered again millis="
        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - back));

    assertThat(leader.eventsOf(ElectionEvent.LeaseGone.class)).as("the lease etcd kept is not lost").isEmpty();
    assertThat(leader.election.stillLeader(term, Candidate.CALL_TIMEOUT)).as("node-a keeps its term").isTrue();
  }

  private KeyValue candidateKey(String prefix, long lease) throws Exception {
    try (Client raw = Client.builder().endpoints(etcd.endpoints().toArray(URI[]::new)).build()) {
      return raw.getKVClient().get(ElectionKeys.bytes(prefix + "/203.0.113.10/election/" + Long.toHexString(lease)))
          .get(5, TimeUnit.SECONDS).getKvs().get(0);
    }
  }
}
