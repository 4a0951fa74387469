package io.fipkeeper.leader;

import static io.fipkeeper.leader.Fixture.LEASE;
import static io.fipkeeper.leader.Fixture.OTHER;
import static io.fipkeeper.leader.Fixture.OTHER_SERVER;
import static io.fipkeeper.leader.Fixture.at;
import static io.fipkeeper.leader.Fixture.holder;
import static org.assertj.core.api.Assertions.assertThat;

import io.fipkeeper.leader.Action.Campaign;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Regressions of issue 9 ("Leadership that survives etcd's own hiccups") in the pure machine, on a fake clock.
 * Each test names the defect it pins down; each failed on the main branch before the fix.
 */
class Issue9Test {

  private final Fixture f = new Fixture();

  /**
   * Defect 1: the leader treated "no keep-alive confirmed for a full TTL by my own clock" as a lost lease, dropped the
   * term and campaigned again. etcd keeps the lease across its own leader election (a new etcd leader extends every
   * lease by an election timeout), so an etcd leader election cost the leader its term. Now SUSPENDED lasts until etcd
   * answers: a keep-alive for the same lease brings the same term back to LEADING, with the address kept throughout.
   */
  @Test
  void aSuspendedLeaderKeepsItsTermPastTheFullTtlAndLeadsAgainWhenEtcdConfirmsTheLease() {
    Context c = f.suspended();
    for (long millis = 1_700; millis <= 10_000; millis += 100) {
      var step = f.machine.next(c, new Event.Tick(), at(millis));
      assertThat(step.state()).as("at %d ms", millis).isEqualTo(State.SUSPENDED);
      assertThat(step.actions()).as("at %d ms", millis).noneMatch(a -> a instanceof Campaign
          || a instanceof Action.Resign || a instanceof Action.Unbind);
      c = step.context();
    }
    assertThat(c.term()).isEqualTo(Fixture.TERM);
    assertThat(c.address().bound()).isTrue();

    var back = f.machine.next(c, new Event.KeepAliveOk(LEASE, 2, at(10_050)), at(10_100));
    assertThat(back.state()).isEqualTo(State.LEADING);
    assertThat(back.context().term()).as("the same term, no new election").isEqualTo(Fixture.TERM);
  }

  /** Defect 1, the other side: what does end a suspended term is definite evidence, here etcd's LeaseGone. */
  @Test
  void aSuspendedLeaderEndsItsTermOnDefiniteEvidenceOnly() {
    Context c = f.apply(f.suspended(), at(5_000), new Event.Tick());
    assertThat(c.state()).isEqualTo(State.SUSPENDED);
    assertThat(f.machine.next(c, new Event.LeaseGone(LEASE), at(5_100)).state()).isEqualTo(State.CAMPAIGNING);
    assertThat(f.machine.next(c, new Event.HolderChanged(holder(OTHER, OTHER_SERVER, 50)), at(5_100)).state())
        .isEqualTo(State.CAMPAIGNING);
    assertThat(f.machine.next(c, new Event.LeaderSeen(OTHER, OTHER_SERVER, 50), at(5_100)).state())
        .isEqualTo(State.CAMPAIGNING);
    assertThat(f.machine.next(c, new Event.LeaderSeen(null, 0, 0, 50), at(5_100)).state())
        .as("the leader key gone").isEqualTo(State.CAMPAIGNING);
    assertThat(f.machine.next(c, new Event.KeepAliveError(LEASE, "etcdserver: no leader"), at(5_100)).state())
        .as("a failing keep-alive is no evidence").isEqualTo(State.SUSPENDED);
  }

  /**
   * Defect 2: CAMPAIGNING had no deadline, so a campaign that was never answered (swallowed between the loop and
   * etcd) left the node CAMPAIGNING forever while healthy nodes waited. Now a campaign without an answer for three
   * TTLs is asked again, and asked again every three TTLs after that.
   */
  @Test
  void aCampaignWithoutAnAnswerIsAskedAgainAfterThreeTtls() {
    Context c = f.campaigning(); // campaign 1 issued at T0, TTL 2 s
    for (long millis = 100; millis < 6_000; millis += 100) {
      var step = f.machine.next(c, new Event.Tick(), at(millis));
      assertThat(step.actions()).as("at %d ms", millis).noneMatch(Campaign.class::isInstance);
      c = step.context();
    }
    var again = f.machine.next(c, new Event.Tick(), at(6_000));
    assertThat(again.state()).isEqualTo(State.CAMPAIGNING);
    assertThat(again.actions()).containsExactly(new Campaign(2));
    assertThat(again.context().lastError()).contains("no answer within PT6S");

    assertThat(f.machine.next(again.context(), new Event.Tick(), at(11_900)).actions()).isEmpty();
    assertThat(f.machine.next(again.context(), new Event.Tick(), at(12_000)).actions())
        .containsExactly(new Campaign(3));
  }

  /** Defect 2: an answer to an older campaign says nothing about the one the node waits for. */
  @Test
  void onlyTheAnswerToTheLatestCampaignCounts() {
    Context asked = f.apply(f.campaigning(), at(6_000), new Event.Tick()); // campaign 2 waits
    assertThat(f.machine.next(asked, new Event.CampaignFailed(1, "late"), at(6_100)).state())
        .isEqualTo(State.CAMPAIGNING);
    Context queued = f.apply(asked, at(6_100), new Event.CampaignQueued(2));
    assertThat(f.machine.next(queued, new Event.Tick(), at(12_000)).actions()).as("queued: re-armed").isEmpty();
    assertThat(f.machine.next(queued, new Event.Tick(), at(12_100)).actions()).containsExactly(new Campaign(3));
  }

  /**
   * Found by the node-replacement scenarios (issue 10): the campaign failure count was reset only by a won term, so
   * after an etcd quorum loss (three failed campaigns) a standby that had been queued behind the new leader for
   * minutes still waited 8 s after its next failed campaign, when the holder's node and etcd member were deleted,
   * and the crash failover missed its bound. A queued campaign is a campaign that worked.
   */
  @Test
  void aQueuedCampaignStartsTheFailureCountOver() {
    Context c = f.campaigning();
    long now = 100;
    for (int failure = 1; failure <= 3; failure++) { // an etcd outage: three failed campaigns, backoff 1, 2, 4 s
      c = f.apply(c, at(now), new Event.CampaignFailed(c.candidacy().attempt(), "etcd unavailable"));
      assertThat(c.candidacy().campaignFailures()).isEqualTo(failure);
      now = (c.candidacy().campaignAtNanos() - at(0)) / 1_000_000;
      c = f.apply(c, at(now), new Event.Tick());
      assertThat(c.state()).isEqualTo(State.CAMPAIGNING);
    }
    c = f.apply(c, at(now + 50), new Event.CampaignQueued(c.candidacy().attempt()));
    assertThat(c.candidacy().campaignFailures()).isZero();

    Context failed = f.apply(c, at(now + 60_000), new Event.CampaignFailed(c.candidacy().attempt(), "member gone"));
    assertThat(failed.state()).isEqualTo(State.STANDBY);
    assertThat(failed.candidacy().campaignAtNanos()).as("the first backoff step, 1 s")
        .isEqualTo(at(now + 61_000));
  }

  /**
   * Defect 2: LeaseGone while CAMPAIGNING campaigned again on the very next tick (a new grant and a new campaign every
   * 100 ms against an etcd that just lost or expired the lease). Now it waits for the campaign backoff.
   */
  @Test
  void aLeaseLostWhileCampaigningIsCampaignedForAgainAfterTheBackoffNotAtOnce() {
    Context lost = f.apply(f.campaigning(), at(100), new Event.LeaseGone(LEASE));
    assertThat(lost.state()).isEqualTo(State.STANDBY);
    List<Action> next = f.machine.next(lost, new Event.Tick(), at(200)).actions();
    assertThat(next).noneMatch(Campaign.class::isInstance);
    assertThat(f.machine.next(lost, new Event.Tick(), at(1_099)).actions()).noneMatch(Campaign.class::isInstance);
    assertThat(f.machine.next(lost, new Event.Tick(), at(1_100)).actions()).contains(new Campaign(2));
  }
}
