package io.fipkeeper.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.fipkeeper.leader.Term;
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
 * Regression (found by the node-replacement scenarios): the agent's etcd client lists the node's own member first and
 * sticks to one member (gRPC {@code pick_first}), but once that member went away — an etcd quorum loss, its own
 * restart — the client moved to another member and stayed there for good. After {@code etcd-quorum-loss} every standby
 * sat on the holder node's member, so deleting that node ({@code replace-leader}) broke every standby's keep-alives
 * and campaign at the same moment, and the failover waited for them. The election now goes back to its preferred
 * member once that member is healthy again, and keeps its term and its place in the queue while it does.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class PreferredMemberTest {

  @RegisterExtension static final EtcdCluster etcd = new EtcdCluster(3);

  private static final Duration TTL = Duration.ofSeconds(2);
  /** The bound on the way home, from the moment the preferred member is healthy again. */
  private static final Duration HOME_WITHIN = Duration.ofSeconds(30);
  private static final String KEEP_ALIVES = "grpc_method=\"LeaseKeepAlive\"";
  private final List<Candidate> candidates = new ArrayList<>();

  @AfterEach
  void close() {
    candidates.forEach(Candidate::close);
  }

  @Test
  void anElectionGoesBackToItsPreferredMemberOnceItIsHealthyAndKeepsItsTermAndItsPlace() throws Exception {
    String prefix = EtcdExtension.randomPrefix();
    Candidate leader = candidate(prefix, "node-a");
    Candidate queued = candidate(prefix, "node-b");
    leader.campaign();
    await("node-a leads").atMost(Duration.ofSeconds(10)).until(leader::won);
    queued.campaign();
    await("node-b's key waits behind node-a's").atMost(Duration.ofSeconds(5))
        .until(() -> queued.election.leaseId() != 0 && candidateKey(prefix, queued.election.leaseId()) != null);
    Term term = leader.term().orElseThrow();
    long place = candidateKey(prefix, queued.election.leaseId()).getCreateRevision();

    // the preferred member crashes: both go on through another member
    etcd.kill(0);
    int leaderMark = leader.events.size();
    int queuedMark = queued.events.size();
    await("both renew their leases through another member").atMost(Duration.ofSeconds(10)).until(() -> {
      campaignAgainIfFailed(queued, queuedMark);
      return renewedSince(leader, leaderMark) && renewedSince(queued, queuedMark);
    });

    long restarted = System.nanoTime();
    etcd.start(0);
    KeepAliveSpread spread = new KeepAliveSpread();
    await("keep-alives reach the preferred member again, and no other member").atMost(HOME_WITHIN)
        .pollInterval(Duration.ofSeconds(1)).until(() -> {
          campaignAgainIfFailed(queued, queuedMark);
          return spread.onlyPreferredSinceLastLook();
        });
    await("and stay there").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofSeconds(1)).until(spread::onlyPreferredSinceLastLook);
    System.out.println("measured return to the preferred member millis="
        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restarted));

    // the member they had moved to can go now without either of them noticing (it must not take the raft leader
    // along, which would cost everybody an etcd election)
    moveRaftLeaderOffMember(1);
    int leaderBefore = leader.events.size();
    int queuedBefore = queued.events.size();
    etcd.kill(1);
    await("nothing fails when a member they no longer use goes").during(Duration.ofSeconds(4))
        .atMost(Duration.ofSeconds(5))
        .until(() -> quietSince(leader, leaderBefore) && quietSince(queued, queuedBefore));

    assertThat(leader.eventsOf(ElectionEvent.LeaseGone.class)).as("node-a's lease never went").isEmpty();
    assertThat(queued.eventsOf(ElectionEvent.LeaseGone.class)).as("node-b's lease never went").isEmpty();
    assertThat(leader.eventsOf(ElectionEvent.ElectionWon.class)).as("one term throughout")
        .allSatisfy(w -> assertThat(w.term()).isEqualTo(term));
    assertThat(leader.election.stillLeader(term, Candidate.CALL_TIMEOUT)).as("node-a still leads its term").isTrue();
    assertThat(candidateKey(prefix, queued.election.leaseId()).getCreateRevision())
        .as("node-b keeps its key, hence its place").isEqualTo(place);

    leader.election.close(); // node-a dies without resigning: node-b takes over once the lease expired
    await("node-b takes over with the key it queued with").atMost(TTL.plusSeconds(4)).until(queued::won);
    assertThat(queued.term().orElseThrow().revision()).isEqualTo(place);
  }

  private Candidate candidate(String prefix, String node) {
    Candidate c = new Candidate(etcd.endpointsPreferring(0), prefix, node, TTL);
    candidates.add(c);
    return c;
  }

  private static boolean renewedSince(Candidate c, int mark) {
    long lease = c.election.leaseId();
    return c.events.subList(mark, c.events.size()).stream()
        .anyMatch(e -> e instanceof ElectionEvent.KeepAliveOk ok && ok.leaseId() == lease);
  }

  /** What the leader loop does with a failed campaign: ask again (etcd keeps the key, so the place too). */
  private static void campaignAgainIfFailed(Candidate c, int mark) {
    List<ElectionEvent> since = c.events.subList(mark, c.events.size());
    int failed = (int) since.stream().filter(ElectionEvent.CampaignFailed.class::isInstance).count();
    int asked = (int) since.stream().filter(e -> e instanceof ElectionEvent.CampaignQueued
        || e instanceof ElectionEvent.ElectionWon).count();
    if (failed > asked) {
      c.campaign();
    }
  }

  private static boolean quietSince(Candidate c, int mark) {
    return c.events.subList(mark, c.events.size()).stream().noneMatch(e -> e instanceof ElectionEvent.KeepAliveError
        || e instanceof ElectionEvent.CampaignFailed || e instanceof ElectionEvent.LeaseGone);
  }

  private void moveRaftLeaderOffMember(int member) throws Exception {
    if (etcd.leaderIndex() != member) {
      return;
    }
    int target = member == 0 ? 1 : 0;
    try (Client onLeader = Client.builder().endpoints(etcd.endpoint(member)).build()) {
      onLeader.getMaintenanceClient().moveLeader(etcd.memberId(target)).get(5, TimeUnit.SECONDS);
    }
    await("raft leader moved off member " + member).atMost(Duration.ofSeconds(5))
        .until(() -> etcd.leaderIndex() >= 0 && etcd.leaderIndex() != member);
  }

  private static KeyValue candidateKey(String prefix, long lease) throws Exception {
    return Candidate.keyOf(etcd.endpoint(2), prefix, lease); // through a member no test here stops
  }


  /** Keep-alive requests each member received between two looks: where the candidates' clients are connected. */
  private static final class KeepAliveSpread {
    private final double[] last = new double[3];

    KeepAliveSpread() {
      look();
    }

    private double[] look() {
      double[] now = new double[3];
      for (int i = 0; i < 3; i++) {
        now[i] = etcd.isRunning(i) ? etcd.metric(i, "grpc_server_started_total", KEEP_ALIVES) : 0;
      }
      double[] delta = new double[3];
      for (int i = 0; i < 3; i++) {
        delta[i] = now[i] - last[i];
        last[i] = now[i];
      }
      return delta;
    }

    boolean onlyPreferredSinceLastLook() {
      double[] delta = look();
      return delta[0] > 0 && delta[1] == 0 && delta[2] == 0;
    }
  }
}
