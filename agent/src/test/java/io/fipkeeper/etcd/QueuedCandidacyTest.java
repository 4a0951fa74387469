package io.fipkeeper.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.KeyValue;
import io.fipkeeper.leader.port.ElectionEvent;
import io.fipkeeper.testing.EtcdCluster;
import io.fipkeeper.testing.EtcdExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Regression: a queued candidacy lived in a call to etcd's election service, which waits inside one member until the
 * key leads, and a member that sees that call cancelled while it still runs resigns the candidate — deletes its key,
 * and with it its place in the queue ({@code concurrency.Election.Campaign} in etcd 3.4, "clean up in case of context
 * cancel"). A member that stalls for a few seconds (a long fsync, a paused VM) is enough: the client's HTTP/2
 * pings go unanswered, gRPC closes the connection and moves on, and the member, once it runs again, sees the call
 * cancelled and deletes the key of a candidate that did nothing wrong. The candidacy is now the key alone: whatever
 * happens to the member a candidate talks through, the key stays until its lease goes.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class QueuedCandidacyTest {

  @RegisterExtension static final EtcdCluster etcd = new EtcdCluster(3);

  /** Long enough for the lease to outlive the stall. */
  private static final Duration TTL = Duration.ofSeconds(30);
  /**
   * Longer than gRPC needs to give up on the silent connection and close it: a ping after 5 s without data,
   * unanswered for 2 s.
   */
  private static final Duration STALL = Duration.ofSeconds(12);
  private final List<Candidate> candidates = new ArrayList<>();

  @AfterEach
  void close() {
    candidates.forEach(Candidate::close);
  }

  @Test
  void aStalledMemberCostsTheCandidatesItServedNeitherTheirKeysNorTheirPlaces() throws Exception {
    String prefix = EtcdExtension.randomPrefix();
    Candidate leader = new Candidate(etcd.endpointsPreferring(1), prefix, "node-a", TTL);
    Candidate queued = new Candidate(etcd.endpointsPreferring(0), prefix, "node-b", TTL);
    candidates.add(leader);
    candidates.add(queued);
    leader.campaign();
    await("node-a leads").atMost(Duration.ofSeconds(10)).until(leader::won);
    queued.campaign();
    await("node-b's key waits behind node-a's").atMost(Duration.ofSeconds(5))
        .until(() -> queued.election.leaseId() != 0 && candidateKey(prefix, queued.election.leaseId()) != null);
    long place = candidateKey(prefix, queued.election.leaseId()).getCreateRevision();

    etcd.pause(0); // node-b's member stalls while node-b waits through it; gRPC gives up on the connection
    await("the stall outlasts gRPC's patience, not node-b's lease").during(STALL).atMost(STALL.plusSeconds(1))
        .until(() -> queued.eventsOf(ElectionEvent.LeaseGone.class).isEmpty());
    etcd.resume(0);
    await("the member is back").atMost(Duration.ofSeconds(10))
        .until(() -> etcd.metric(0, "etcd_server_has_leader", "") == 1);
    await("node-b's key outlives the stalled member's return, in its place").during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(4)).until(() -> {
          KeyValue key = candidateKey(prefix, queued.election.leaseId());
          return key != null && key.getCreateRevision() == place;
        });

    leader.election.resign(leader.term().orElseThrow(), Candidate.CALL_TIMEOUT);
    await("node-b takes over once node-a resigns").atMost(Duration.ofSeconds(20)).until(() -> {
      queued.campaignAgainAfterFailure();
      return queued.won();
    });
    assertThat(queued.term().orElseThrow().revision()).isEqualTo(place);
  }

  private static KeyValue candidateKey(String prefix, long lease) throws Exception {
    return Candidate.keyOf(etcd.endpoint(2), prefix, lease); // through a member no test here stops
  }

}
