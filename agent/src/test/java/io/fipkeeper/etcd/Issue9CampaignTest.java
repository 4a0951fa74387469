package io.fipkeeper.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fipkeeper.leader.port.ElectionEvent;
import io.fipkeeper.testing.EtcdExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Regressions of issue 9, defect 2 (a campaign can be swallowed), against a real etcd: {@code campaign()} returned
 * silently while an older attempt was pending, and a revoke dropped that attempt without a word, so the loop could
 * wait for an answer forever. Every campaign is now answered: won, queued, failed or superseded.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class Issue9CampaignTest {

  @RegisterExtension static final EtcdExtension etcd = new EtcdExtension();

  private static final Duration TTL = Duration.ofSeconds(10);
  private final List<Candidate> candidates = new ArrayList<>();
  private String prefix;
  private Candidate leader;
  private Candidate waiting;

  @BeforeEach
  void aLeaderAndACandidateWaitingBehindIt() {
    prefix = EtcdExtension.randomPrefix();
    leader = candidate("node-a");
    leader.campaign();
    await("node-a wins").atMost(Duration.ofSeconds(10)).until(leader::won);
    waiting = candidate("node-b");
    waiting.campaign();
    await("node-b's key waits behind node-a's").atMost(Duration.ofSeconds(5))
        .until(() -> waiting.election.leaseId() != 0 && !waiting.eventsOf(ElectionEvent.LeaderSeen.class).isEmpty());
  }

  @AfterEach
  void close() {
    candidates.forEach(Candidate::close);
  }

  private Candidate candidate(String node) {
    Candidate c = new Candidate(etcd, prefix, node, TTL);
    candidates.add(c);
    return c;
  }

  @Test
  void aCampaignAskedForAgainWhileOneWaitsIsAnsweredQueuedAndTheWaitingCallStillWins() {
    long lease = waiting.election.leaseId();
    long again = waiting.campaign();

    await("the second campaign is answered").atMost(Duration.ofSeconds(3))
        .until(() -> waiting.eventsOf(ElectionEvent.CampaignQueued.class).contains(
            new ElectionEvent.CampaignQueued(again)));
    assertThat(waiting.election.leaseId()).as("same lease, same place in the queue").isEqualTo(lease);

    leader.election.resign(leader.term().orElseThrow(), Candidate.CALL_TIMEOUT);
    await("node-b wins once node-a resigns").atMost(Duration.ofSeconds(5)).until(waiting::won);
    assertThat(waiting.eventsOf(ElectionEvent.ElectionWon.class)).as("one win, reported once").hasSize(1);
    assertThat(waiting.term().orElseThrow().leaseId()).isEqualTo(lease);
  }

  @Test
  void aRevokeAnswersTheCampaignThatWaitsAndACampaignAfterItWinsWithANewLease() {
    long lease = waiting.election.leaseId();
    waiting.election.revoke(Candidate.CALL_TIMEOUT);

    await("the waiting campaign is answered").atMost(Duration.ofSeconds(3))
        .until(() -> waiting.eventsOf(ElectionEvent.CampaignSuperseded.class).contains(
            new ElectionEvent.CampaignSuperseded(1, "lease revoked")));

    long after = waiting.campaign();
    leader.election.resign(leader.term().orElseThrow(), Candidate.CALL_TIMEOUT);
    await("the campaign after the revoke wins").atMost(Duration.ofSeconds(5)).until(waiting::won);
    assertThat(waiting.term().orElseThrow().leaseId()).as("a new lease").isNotEqualTo(lease);
    assertThat(after).isEqualTo(2);
  }
}
