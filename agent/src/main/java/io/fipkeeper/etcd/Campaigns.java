package io.fipkeeper.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.fipkeeper.leader.Term;
import io.fipkeeper.leader.port.ElectionEvent;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The campaigns of one {@link EtcdElection}, on etcd's election recipe run from this client: a candidate's key is
 * {@code P/F/election/<lease hex>}, created under its lease unless it exists, and the key with the lowest create
 * revision leads. Every campaign is answered at once, from one transaction that enters the key and reads where it
 * stands: {@code ElectionWon} (the key leads), {@code CampaignQueued} (it waits behind the leader) or {@code
 * CampaignFailed}, carrying the campaign's number. A queued candidacy is won later when the election's watch
 * ({@link ElectionObserver}) reads this key as the first one; a revoke, a lost lease or a newer run of this agent
 * taking the lease over ends it with an answer ({@code CampaignSuperseded} or {@code CampaignFailed}).
 *
 * <p>Why not etcd's election service (jetcd's {@code Election.campaign}), which this class used until the client
 * learned to move between members ({@link PreferredMember}): its call blocks inside one member until the key leads,
 * and when the call is cancelled while that member lives — the client closes it, moves to another member, or gRPC
 * declares the connection dead — the member resigns the candidate, deleting its key and its place in the queue
 * ({@code concurrency.Election.Campaign} in etcd 3.4: "clean up in case of context cancel"). Here nothing lives in a
 * call: the candidacy is the key, and any member can be asked where it stands. The keys are the same as the
 * service's, so agents of either kind elect together during a rolling update.
 *
 * <p>{@code ElectionWon} is reported only for this agent's key read (create revision and lease) as the first key
 * under the election prefix while its lease is still the one kept alive. Asking again while leading answers
 * {@code ElectionWon} again: the loop asks again only after it dropped the term.
 *
 * <p>Thread-safety: guarded by {@code this}; it takes {@link OwnLease}'s lock inside its own, never the other way
 * round. Answers are handed to the event relay while holding the lock, so they keep their order.
 */
final class Campaigns {

  private static final Logger log = LoggerFactory.getLogger(Campaigns.class);
  /** Bound on the transaction that answers a campaign. */
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(1);

  private final Supplier<Client> client;
  private final ElectionKeys keys;
  private final String node;
  private final ByteSequence value;
  private final OwnLease lease;
  private final Consumer<ElectionEvent> events;

  /** A candidacy that waits behind the leader: its key and the campaign its win answers. */
  private record Waiting(long lease, long revision, String key, long attempt) {}

  // guarded by this
  private Waiting waiting;
  private Term lastWon;
  /** The newest first key the election's watch read: the revision it read at, and the key (null: none). */
  private long firstReadRevision = -1;
  private KeyValue first;

  Campaigns(Supplier<Client> client, ElectionKeys keys, String node, ByteSequence value, OwnLease lease,
      Consumer<ElectionEvent> events) {
    this.client = client;
    this.keys = keys;
    this.node = node;
    this.value = value;
    this.lease = lease;
    this.events = events;
  }

  /** Campaign number {@code attempt} with the lease in use (none: grant one first). Blocks for bounded calls only. */
  void campaign(long attempt) {
    long campaignLease = lease.id();
    if (campaignLease == 0) {
      try {
        campaignLease = lease.grant();
      } catch (ExecutionException | TimeoutException | RuntimeException e) {
        fail(attempt, "lease grant: " + Failures.describe(e));
        return;
      }
    }
    CandidateCheck found;
    try {
      found = CandidateCheck.enter(client.get(), keys, campaignLease, value, CALL_TIMEOUT);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      // a key already queued stays queued in etcd (its lease is kept alive); the loop asks again after its backoff
      fail(attempt, "cannot enter the election: " + Failures.describe(e));
      return;
    }
    answer(attempt, found);
  }

  private void fail(long attempt, String reason) {
    log.warn("campaign failed node={} attempt={} error={}", node, attempt, reason);
    events.accept(new ElectionEvent.CampaignFailed(attempt, reason));
  }

  private synchronized void answer(long attempt, CandidateCheck found) {
    if (!lease.inUse(found.leaseId())) {
      events.accept(new ElectionEvent.CampaignFailed(attempt, "lease " + Long.toHexString(found.leaseId())
          + " no longer in use"));
      return;
    }
    Waiting candidacy = new Waiting(found.leaseId(), found.createRevision(), found.key(), attempt);
    // the watch may have read the first key after the transaction did: the newer read decides (no older key can
    // appear, so a newer first key that is not ours while ours led means ours is gone)
    boolean newerRead = firstReadRevision > found.readRevision();
    boolean leading = newerRead ? leads(candidacy, first) : found.leading();
    if (leading) {
      waiting = null;
      won(candidacy);
      return;
    }
    if (found.leading()) {
      waiting = null;
      events.accept(new ElectionEvent.CampaignFailed(attempt, "key " + found.key() + " led, then vanished"));
      return;
    }
    waiting = candidacy;
    log.debug("campaign queued node={} key={} revision={} attempt={}", node, found.key(), found.createRevision(),
        attempt);
    events.accept(new ElectionEvent.CampaignQueued(attempt));
  }

  /**
   * The election's watch read {@code firstKey} (null: no key) as the first election key at store revision
   * {@code readRevision}; a waiting candidacy whose key that is has won. Older reads than one seen already are
   * ignored.
   */
  synchronized void firstKeyRead(long readRevision, KeyValue firstKey) {
    if (readRevision < firstReadRevision) {
      return;
    }
    firstReadRevision = readRevision;
    first = firstKey;
    Waiting w = waiting;
    if (w != null && leads(w, firstKey)) {
      waiting = null;
      won(w);
    }
  }

  private boolean leads(Waiting candidacy, KeyValue firstKey) {
    return firstKey != null && firstKey.getCreateRevision() == candidacy.revision()
        && firstKey.getLease() == candidacy.lease();
  }

  private void won(Waiting candidacy) {
    Term term = new Term(node, candidacy.key(), candidacy.revision(), candidacy.lease());
    if (!lease.inUse(term.leaseId())) {
      events.accept(new ElectionEvent.CampaignFailed(candidacy.attempt(), "key " + term.key()
          + " leads but its lease is no longer kept alive"));
      return;
    }
    log.info("election {} node={} term={} lease={}", term.equals(lastWon) ? "won again" : "won", node,
        term.revision(), Long.toHexString(term.leaseId()));
    lastWon = term;
    events.accept(new ElectionEvent.ElectionWon(term));
  }

  /**
   * Ends the candidacy waiting with {@code lease} (0: any) with an answer, superseded or failed; a later read of its
   * key as the first one wins nothing.
   */
  synchronized void abandon(long lease, String reason, boolean superseded) {
    if (waiting == null || (lease != 0 && waiting.lease() != lease)) {
      return;
    }
    Waiting w = waiting;
    waiting = null;
    log.info("campaign abandoned node={} attempt={} reason={}", node, w.attempt(), reason);
    events.accept(superseded ? new ElectionEvent.CampaignSuperseded(w.attempt(), reason)
        : new ElectionEvent.CampaignFailed(w.attempt(), reason));
  }
}
