package io.fipkeeper.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.fipkeeper.leader.AgentSnapshot;
import io.fipkeeper.leader.HolderRecord;
import io.fipkeeper.leader.State;
import io.fipkeeper.leader.Term;
import io.fipkeeper.leader.port.ElectionEvent;
import io.fipkeeper.testing.EtcdExtension;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link EtcdElection} against a real etcd: who wins, hand-over, fencing, clean-up and publication. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EtcdElectionTest {

  @RegisterExtension static final EtcdExtension etcd = new EtcdExtension();

  private static final Duration TTL = Duration.ofSeconds(2);
  private static final Duration LONG_TTL = Duration.ofSeconds(10);

  private static Client raw;
  private final List<Candidate> candidates = new ArrayList<>();
  private String prefix;

  @BeforeAll
  static void connect() {
    raw = Client.builder().endpoints(etcd.endpoints().toArray(URI[]::new)).build();
  }

  @AfterAll
  static void disconnect() {
    if (raw != null) {
      raw.close();
    }
  }

  @BeforeEach
  void newPrefix() {
    prefix = EtcdExtension.randomPrefix();
  }

  @AfterEach
  void handOverAndClose() {
    candidates.forEach(Candidate::close);
  }

  private Candidate candidate(String node, Duration ttl) {
    Candidate c = new Candidate(etcd, prefix, node, ttl);
    candidates.add(c);
    return c;
  }

  private List<Candidate> winners() {
    return candidates.stream().filter(Candidate::won).toList();
  }

  private Candidate awaitSingleWinner() {
    await("one of " + candidates + " wins").atMost(Duration.ofSeconds(10)).until(() -> !winners().isEmpty());
    return winners().get(0);
  }

  @Test
  void exactlyOneOfThreeCandidatesWinsAndOnlyItsTermPassesTheFencingCheck() {
    List.of("node-a", "node-b", "node-c").forEach(n -> candidate(n, TTL).campaign());

    await("exactly one winner among " + candidates).atMost(Duration.ofSeconds(10))
        .during(Duration.ofMillis(800)).until(() -> winners().size() == 1);
    Candidate winner = winners().get(0);
    Term term = winner.term().orElseThrow();

    assertThat(term.node()).isEqualTo(winner.node);
    assertThat(term.key()).isEqualTo(prefix + "/203.0.113.10/election/" + Long.toHexString(term.leaseId()));
    assertThat(winner.election.stillLeader(term, Candidate.CALL_TIMEOUT)).isTrue();
    for (Candidate loser : candidates) {
      if (loser == winner) {
        continue;
      }
      long lease = loser.election.leaseId();
      String queuedKey = prefix + "/203.0.113.10/election/" + Long.toHexString(lease);
      long queuedRevision = raw.getKVClient().get(bytes(queuedKey)).join().getKvs().get(0).getCreateRevision();
      assertThat(loser.election.stillLeader(new Term(loser.node, queuedKey, queuedRevision, lease), Candidate.CALL_TIMEOUT))
          .as("a queued candidate's key is not the leader key").isFalse();
    }
  }

  @Test
  void everyCandidateSeesTheWinnerAsLeader() {
    List.of("node-a", "node-b", "node-c").forEach(n -> candidate(n, TTL).campaign());
    Term term = awaitSingleWinner().term().orElseThrow();

    for (Candidate c : candidates) {
      await(c.node + " sees " + term.node()).atMost(Duration.ofSeconds(5)).until(() ->
          c.eventsOf(ElectionEvent.LeaderSeen.class).stream().anyMatch(s -> term.node().equals(s.node())
              && s.serverId() == Candidate.serverOf(term.node()) && s.revision() == term.revision()
              && s.asOf() >= term.revision()));
    }
  }

  @RepeatedTest(5)
  void anotherCandidateWinsAboutOneTtlAfterTheLeaderCrashes() {
    Candidate first = candidate("node-a", TTL);
    first.campaign();
    await("node-a wins").atMost(Duration.ofSeconds(10)).until(first::won);
    Candidate second = candidate("node-b", TTL);
    second.campaign();
    await("node-b queued").atMost(Duration.ofSeconds(5)).until(() -> second.election.leaseId() != 0);

    long crashed = System.nanoTime();
    first.election.close(); // no resign, no revoke: the lease has to expire
    await("node-b wins after node-a's lease expired").atMost(TTL.plusSeconds(5)).until(second::won);
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - crashed);
    System.out.println("measured failover after crash ttl=" + TTL.toSeconds() + "s millis=" + millis);

    assertThat(millis).as("hand-over needs the old lease to expire").isGreaterThan(500);
    assertThat(second.term().orElseThrow().revision()).isGreaterThan(first.term().orElseThrow().revision());
  }

  @Test
  void resignHandsOverAtOnce() {
    Candidate first = candidate("node-a", LONG_TTL);
    first.campaign();
    await("node-a wins").atMost(Duration.ofSeconds(10)).until(first::won);
    Candidate second = candidate("node-b", LONG_TTL);
    second.campaign();
    await("node-b queued").atMost(Duration.ofSeconds(5)).until(() -> second.election.leaseId() != 0);

    long resigned = System.nanoTime();
    first.election.resign(first.term().orElseThrow(), Candidate.CALL_TIMEOUT);
    await("node-b wins well before the 10 s lease could expire").atMost(Duration.ofSeconds(3)).until(second::won);
    System.out.println("measured failover after resign millis="
        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - resigned));

    assertThat(first.election.stillLeader(first.term().orElseThrow(), Candidate.CALL_TIMEOUT)).isFalse();
    assertThat(second.election.stillLeader(second.term().orElseThrow(), Candidate.CALL_TIMEOUT)).isTrue();
  }

  @Test
  void campaigningAgainAfterResigningStartsANewTermOnTheSameLease() {
    Candidate c = candidate("node-a", LONG_TTL);
    c.campaign();
    await("node-a wins").atMost(Duration.ofSeconds(10)).until(c::won);
    Term first = c.term().orElseThrow();
    c.election.resign(first, Candidate.CALL_TIMEOUT);

    c.campaign();
    await("node-a wins a second term").atMost(Duration.ofSeconds(5)).until(() -> c.eventsOf(ElectionEvent.ElectionWon.class).size() == 2);
    Term second = c.term().orElseThrow();

    assertThat(second.leaseId()).isEqualTo(first.leaseId());
    assertThat(second.revision()).isGreaterThan(first.revision());
    assertThat(c.election.stillLeader(first, Candidate.CALL_TIMEOUT)).as("the old term is fenced off").isFalse();
    assertThat(c.election.stillLeader(second, Candidate.CALL_TIMEOUT)).isTrue();
  }

  /**
   * Regression (chaos suite, leader-partition): the loop judged its lease expired by its own clock while etcd still
   * kept it, dropped the term and campaigned again; the repeated campaign returned the same key and the adapter
   * swallowed it as a duplicate, so the agent stayed CAMPAIGNING forever while its key blocked every other candidate.
   */
  @Test
  void campaigningAgainAnswersWithTheSameTermAgain() {
    Candidate c = candidate("node-a", LONG_TTL);
    c.campaign();
    await("node-a wins").atMost(Duration.ofSeconds(10)).until(c::won);
    Term first = c.term().orElseThrow();

    c.campaign();
    await("node-a's repeated campaign is answered").atMost(Duration.ofSeconds(5))
        .until(() -> c.eventsOf(ElectionEvent.ElectionWon.class).size() == 2);

    assertThat(c.eventsOf(ElectionEvent.ElectionWon.class))
        .allSatisfy(won -> assertThat(won.term()).isEqualTo(first));
    assertThat(c.election.stillLeader(first, Candidate.CALL_TIMEOUT)).isTrue();
  }

  @Test
  void revokeDropsTheElectionKeyAndTheAgentSnapshotAndEndsTheTerm() {
    Candidate c = candidate("node-a", LONG_TTL);
    c.campaign();
    await("node-a wins").atMost(Duration.ofSeconds(10)).until(c::won);
    c.election.publishAgent(snapshot("node-a", State.LEADING));
    await("snapshot published").atMost(Duration.ofSeconds(5)).until(() -> count(prefix + "/203.0.113.10/agents/") == 1);

    c.election.revoke(Candidate.CALL_TIMEOUT);

    assertThat(count(prefix + "/203.0.113.10/election/")).isZero();
    assertThat(count(prefix + "/203.0.113.10/agents/")).isZero();
    assertThat(c.election.stillLeader(c.term().orElseThrow(), Candidate.CALL_TIMEOUT)).isFalse();
    assertThat(c.eventsOf(ElectionEvent.LeaseGone.class)).as("our own revoke is not a lost lease").isEmpty();
  }

  @Test
  void fencingFailsOnceTheLeaderKeyWasRecreated() {
    Candidate c = candidate("node-a", LONG_TTL);
    c.campaign();
    await("node-a wins").atMost(Duration.ofSeconds(10)).until(c::won);
    Term term = c.term().orElseThrow();

    // same key, same value, same lease, but a new create revision: another term
    raw.getKVClient().delete(bytes(term.key())).join();
    raw.getKVClient().put(bytes(term.key()), bytes("node-a"), PutOption.builder().withLeaseId(term.leaseId()).build()).join();

    assertThat(c.election.stillLeader(term, Candidate.CALL_TIMEOUT)).isFalse();
  }

  /**
   * Regression (issue 8, defect 4): a restarted agent deleted its previous run's key and revoked its lease, so a
   * crash-restart of the leader's agent forced a full failover. Now it adopts the lease: same key, same term, and the
   * queued candidate keeps waiting although the crashed run stopped renewing the lease long ago.
   */
  @Test
  void aRestartedAgentAdoptsItsPreviousRunsLeaseAndKeepsTheTermWhileAnotherCandidateWaits() throws Exception {
    Candidate previousRun = candidate("node-a", TTL);
    previousRun.campaign();
    await("previous run wins").atMost(Duration.ofSeconds(10)).until(previousRun::won);
    Term term = previousRun.term().orElseThrow();
    previousRun.election.close(); // crash: nobody renews the lease any more
    Candidate other = candidate("node-b", TTL);
    other.campaign();
    await("node-b queued").atMost(Duration.ofSeconds(5)).until(() -> other.election.leaseId() != 0);

    Candidate restarted = candidate("node-a", TTL);
    assertThat(restarted.election.adoptPreviousLease(Candidate.CALL_TIMEOUT)).contains(term.leaseId());
    restarted.campaign();
    await("the restarted run wins the same term").atMost(Duration.ofSeconds(5)).until(restarted::won);

    assertThat(restarted.term()).contains(term);
    assertThat(values(term.key())).singleElement().isEqualTo(restarted.identity.value());
    await("node-b still waits three TTLs later: the adopted lease is kept alive").during(TTL.multipliedBy(3))
        .atMost(TTL.multipliedBy(4)).until(() -> !other.won());
    assertThat(restarted.election.stillLeader(term, Candidate.CALL_TIMEOUT)).isTrue();
  }

  /**
   * Regression (leader-crash-restart): etcd reports a lease's remaining TTL in whole seconds, rounded down, and the
   * adoption took a TTL of 0 for "expiring, let it go". With a 2 s TTL renewed every second, a restart that takes half
   * a second finds less than a second left in half of all crashes: the lease was alive, yet another node won. The key
   * is the proof of life; a lease etcd reports at 0 s is adopted and kept.
   */
  @Test
  void aLeaseWithLessThanASecondLeftIsStillAdopted() throws Exception {
    Candidate previousRun = candidate("node-a", TTL);
    previousRun.campaign();
    await("previous run wins").atMost(Duration.ofSeconds(10)).until(previousRun::won);
    Term term = previousRun.term().orElseThrow();
    previousRun.election.close(); // crash: nobody renews the lease any more
    await("etcd reports the lease at 0 s left").atMost(TTL).pollInterval(Duration.ofMillis(10))
        .until(() -> raw.getLeaseClient().timeToLive(term.leaseId(), io.etcd.jetcd.options.LeaseOption.DEFAULT)
            .get().getTTL() == 0);

    Candidate restarted = candidate("node-a", TTL);
    assertThat(restarted.election.adoptPreviousLease(Candidate.CALL_TIMEOUT)).contains(term.leaseId());
    restarted.campaign();
    await("the restarted run wins the same term").atMost(Duration.ofSeconds(5)).until(restarted::won);
    assertThat(restarted.term()).contains(term);
    // -1: etcd no longer knows the lease (0 is "alive, less than a second left")
    await("the adopted lease is kept alive").during(TTL.multipliedBy(2)).atMost(TTL.multipliedBy(3))
        .until(() -> raw.getLeaseClient().timeToLive(term.leaseId(), io.etcd.jetcd.options.LeaseOption.DEFAULT)
            .get().getTTL() >= 0);
  }

  /**
   * A surge pod on the same node starts while the previous run still lives: the newer run adopts the lease and marks
   * the key; the older run is told it is superseded, lets go of the lease without revoking it, and can no longer
   * resign or fence with the term (which would hurt the newer run).
   */
  @Test
  void aPreviousRunThatIsStillAliveIsSupersededAndCanNoLongerActForTheTerm() throws Exception {
    Candidate previousRun = candidate("node-a", TTL);
    previousRun.campaign();
    await("previous run wins").atMost(Duration.ofSeconds(10)).until(previousRun::won);
    Term term = previousRun.term().orElseThrow();

    Candidate newer = candidate("node-a", TTL);
    assertThat(newer.election.adoptPreviousLease(Candidate.CALL_TIMEOUT)).contains(term.leaseId());

    await("the previous run is told").atMost(Duration.ofSeconds(5))
        .until(() -> !previousRun.eventsOf(ElectionEvent.Superseded.class).isEmpty());
    assertThat(previousRun.eventsOf(ElectionEvent.Superseded.class)).singleElement()
        .satisfies(s -> assertThat(s.leaseId()).isEqualTo(term.leaseId()));
    assertThat(previousRun.election.leaseId()).isZero();
    previousRun.election.resign(term, Candidate.CALL_TIMEOUT);
    assertThat(previousRun.election.stillLeader(term, Candidate.CALL_TIMEOUT)).isFalse();
    previousRun.election.revoke(Candidate.CALL_TIMEOUT);

    newer.campaign();
    await("the newer run holds the term").atMost(Duration.ofSeconds(5)).until(newer::won);
    assertThat(newer.term()).contains(term);
    assertThat(newer.election.stillLeader(term, Candidate.CALL_TIMEOUT)).as("the superseded run touched nothing")
        .isTrue();
  }

  /** Regression (issue 8, defect 8): identity is node and server id; a reused node name is somebody else. */
  @Test
  void theKeyOfTheSameNodeNameOnAnotherServerIsNeitherAdoptedNorDeleted() throws Exception {
    Candidate oldServer = new Candidate(etcd, prefix, ElectionIdentity.of("node-a", 1), LONG_TTL);
    candidates.add(oldServer);
    oldServer.campaign();
    await("node-a on server 1 wins").atMost(Duration.ofSeconds(10)).until(oldServer::won);
    Term term = oldServer.term().orElseThrow();

    Candidate newServer = new Candidate(etcd, prefix, ElectionIdentity.of("node-a", 2), LONG_TTL);
    candidates.add(newServer);

    assertThat(newServer.election.adoptPreviousLease(Candidate.CALL_TIMEOUT)).isEmpty();
    assertThat(values(prefix + "/203.0.113.10/election/")).containsExactly(oldServer.identity.value());
    assertThat(oldServer.election.stillLeader(term, Candidate.CALL_TIMEOUT)).isTrue();
    assertThat(oldServer.eventsOf(ElectionEvent.Superseded.class)).isEmpty();
  }

  @Test
  void holderPublishIsRejectedForAStaleTermAndSeenByOthers() {
    Candidate first = candidate("node-a", LONG_TTL);
    first.campaign();
    await("node-a wins").atMost(Duration.ofSeconds(10)).until(first::won);
    Candidate second = candidate("node-b", LONG_TTL);
    second.campaign();
    Term firstTerm = first.term().orElseThrow();
    HolderRecord byFirst = new HolderRecord("node-a", 11, "203.0.113.10", firstTerm.revision(), Instant.parse("2026-01-02T03:04:05Z"));

    assertThat(first.election.publishHolder(firstTerm, byFirst, Candidate.CALL_TIMEOUT)).isTrue();
    await("node-b sees the holder").atMost(Duration.ofSeconds(5))
        .until(() -> second.eventsOf(ElectionEvent.HolderChanged.class).contains(new ElectionEvent.HolderChanged(byFirst)));

    first.election.resign(firstTerm, Candidate.CALL_TIMEOUT);
    await("node-b wins").atMost(Duration.ofSeconds(5)).until(second::won);
    HolderRecord late = new HolderRecord("node-a", 11, "203.0.113.10", firstTerm.revision(), Instant.now());
    assertThat(first.election.publishHolder(firstTerm, late, Candidate.CALL_TIMEOUT)).as("stale term").isFalse();
    assertThat(values(prefix + "/203.0.113.10/holder")).singleElement().asString().contains("\"since\":\"2026-01-02T03:04:05Z\"");
  }

  @Test
  void campaignAgainstUnreachableEtcdReportsCampaignFailedInsteadOfThrowing() {
    List<ElectionEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    EtcdSettings nowhere = new EtcdSettings(List.of(URI.create("http://127.0.0.1:1")), null, null, null, Duration.ofMillis(500));
    try (EtcdElection election = new EtcdElection(nowhere, prefix, "203.0.113.10", ElectionIdentity.of("node-a", 11), TTL,
        events::add)) {
      election.campaign(1);
      await("campaign failure reported").atMost(Duration.ofSeconds(20))
          .until(() -> events.stream().anyMatch(ElectionEvent.CampaignFailed.class::isInstance));
      assertThat(election.stillLeader(new Term("node-a", prefix + "/x", 1, 1), Duration.ofMillis(500))).isFalse();
    }
    assertThat(events).noneMatch(ElectionEvent.ElectionWon.class::isInstance);
  }

  static AgentSnapshot snapshot(String node, State state) {
    return new AgentSnapshot(node, 11, state, node, "203.0.113.10", 11L, true, 7, Instant.parse("2026-01-02T03:04:05Z"), null, true, false, null);
  }

  private static long count(String keyPrefix) {
    return raw.getKVClient().get(bytes(keyPrefix), GetOption.builder().isPrefix(true).build()).join().getCount();
  }

  private static List<String> values(String keyPrefix) {
    return raw.getKVClient().get(bytes(keyPrefix), GetOption.builder().isPrefix(true).build()).join().getKvs().stream()
        .map(kv -> kv.getValue().toString(StandardCharsets.UTF_8)).toList();
  }

  static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
