package io.fipkeeper.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.election.CampaignResponse;
import io.etcd.jetcd.election.LeaderKey;
import io.fipkeeper.leader.Term;
import io.fipkeeper.leader.port.ElectionEvent;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The campaigns of one {@link EtcdElection}. etcd's election service answers a campaign call only once the key has
 * become the leader key, which may take hours; this class makes sure the loop still hears about every campaign it
 * asked for:
 * <ul>
 *   <li>a campaign starts one call (granting a lease first when none is kept alive) and ends it with exactly one of
 *       {@code ElectionWon}, {@code CampaignFailed} or {@code CampaignSuperseded}, carrying the campaign's number;</li>
 *   <li>a campaign asked for while a call for the same lease is still waiting takes that call over (its answer now
 *       carries the new number) and is answered at once from a read of the key: the leader key → {@code
 *       ElectionWon} (the call missed it), waiting behind the leader → {@code CampaignQueued}, gone → a new call;
 *       this is what the loop's watchdog relies on, and why asking again never stacks up calls in etcd;</li>
 *   <li>a revoke, a lost lease or a newer run of this agent taking the lease over abandons the waiting call with an
 *       answer, so a later answer of that call is ignored.</li>
 * </ul>
 * {@code ElectionWon} is reported only for a key that was re-read with the campaign's create revision under the
 * lease still kept alive: a call that returns after its key vanished is a failure, never a win.
 *
 * <p>Thread-safety: guarded by {@code this}; it takes {@link OwnLease}'s lock inside its own, never the other way
 * round. Answers are handed to the event relay while holding the lock, so they keep their order.
 */
final class Campaigns {

  private static final Logger log = LoggerFactory.getLogger(Campaigns.class);
  /** Bound on the read that answers a campaign asked for again. */
  static final Duration CHECK_TIMEOUT = Duration.ofSeconds(1);

  private final Client client;
  private final ElectionKeys keys;
  private final String node;
  private final ByteSequence value;
  private final OwnLease lease;
  private final Consumer<ElectionEvent> events;

  /** One campaign call in flight: the lease it campaigns with and the campaign its answer belongs to. */
  private static final class Call {
    final long lease;
    long attempt;

    Call(long lease, long attempt) {
      this.lease = lease;
      this.attempt = attempt;
    }
  }

  // guarded by this
  private Call pending;
  private Term lastWon;

  Campaigns(Client client, ElectionKeys keys, String node, ByteSequence value, OwnLease lease,
      Consumer<ElectionEvent> events) {
    this.client = client;
    this.keys = keys;
    this.node = node;
    this.value = value;
    this.lease = lease;
    this.events = events;
  }

  /** Campaign number {@code attempt} with the lease in use (none: grant one first). Blocks for one bounded call. */
  void campaign(long attempt) {
    long leaseInUse = lease.id();
    Call waiting = null;
    synchronized (this) {
      if (pending != null && leaseInUse != 0 && pending.lease == leaseInUse) {
        waiting = pending;
        waiting.attempt = attempt; // whatever the waiting call ends with now answers this campaign
      }
    }
    if (waiting != null) {
      check(waiting);
      return;
    }
    long campaignLease = leaseInUse;
    if (campaignLease == 0) {
      try {
        campaignLease = lease.grant();
      } catch (ExecutionException | TimeoutException | RuntimeException e) {
        String reason = "lease grant: " + Failures.describe(e);
        log.warn("campaign failed node={} attempt={} error={}", node, attempt, reason);
        events.accept(new ElectionEvent.CampaignFailed(attempt, reason));
        return;
      }
    }
    start(new Call(campaignLease, attempt));
  }

  private void start(Call call) {
    synchronized (this) {
      if (!lease.inUse(call.lease)) {
        events.accept(new ElectionEvent.CampaignFailed(call.attempt, "lease " + Long.toHexString(call.lease)
            + " no longer in use"));
        return;
      }
      pending = call; // replaces any call for an older lease: its answers are ignored from now on
    }
    log.debug("campaigning node={} lease={} attempt={}", node, Long.toHexString(call.lease), call.attempt);
    CompletableFuture<CampaignResponse> rpc;
    try {
      rpc = client.getElectionClient().campaign(keys.electionName(), call.lease, value);
    } catch (RuntimeException e) { // jetcd throws synchronously on a closed client
      rpc = CompletableFuture.failedFuture(e);
    }
    rpc.thenCompose(response -> confirm(call, response.getLeader()))
        .whenComplete((ignored, error) -> {
          if (error != null) {
            failed(call, error);
          }
        });
  }

  /** A call can return after its key was deleted (revoke, expiry): only a key that still exists is a win. */
  private CompletableFuture<Void> confirm(Call call, LeaderKey won) {
    Term term = new Term(node, ElectionKeys.string(won.getKey()), won.getRevision(), won.getLease());
    return client.getKVClient().get(won.getKey()).thenAccept(response -> {
      if (response.getKvs().stream().noneMatch(k -> k.getCreateRevision() == term.revision())) {
        throw new IllegalStateException("campaign returned for key " + term.key() + " which is gone");
      }
      won(call, term);
    });
  }

  /** Reports a confirmed win unless its lease is no longer in use or it was reported already by a check. */
  private synchronized void won(Call call, Term term) {
    boolean current = pending == call;
    if (current) {
      pending = null;
    }
    if (lease.inUse(term.leaseId()) && (current || !term.equals(lastWon))) {
      // Every campaign the loop asks for gets its answer, even the same term again: the loop asks again only after
      // it dropped the term, and a swallowed repeat left it CAMPAIGNING while its key blocked every other candidate.
      log.info("election {} node={} term={} lease={}", term.equals(lastWon) ? "won again" : "won", node,
          term.revision(), Long.toHexString(term.leaseId()));
      lastWon = term;
      events.accept(new ElectionEvent.ElectionWon(term));
    } else if (current) {
      events.accept(new ElectionEvent.CampaignFailed(call.attempt, "campaign returned for key " + term.key()
          + " whose lease is no longer kept alive"));
    } else {
      log.debug("answer of an abandoned campaign ignored node={} term={}", node, term.revision());
    }
  }

  private void failed(Call call, Throwable error) {
    String reason = Failures.describe(error);
    synchronized (this) {
      if (pending != call) {
        log.debug("abandoned campaign ended node={} error={}", node, reason);
        return;
      }
      pending = null;
      log.warn("campaign failed node={} attempt={} error={}", node, call.attempt, reason);
      events.accept(new ElectionEvent.CampaignFailed(call.attempt, reason));
    }
  }

  /** Answers a campaign asked for again while {@code waiting} still waits, from one read of its key. */
  private void check(Call waiting) {
    CandidateCheck found;
    try {
      found = CandidateCheck.read(client, keys, waiting.lease, CHECK_TIMEOUT);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      synchronized (this) {
        if (pending == waiting) {
          events.accept(new ElectionEvent.CampaignFailed(waiting.attempt, "cannot check the waiting campaign: "
              + Failures.describe(e)));
        }
      }
      return;
    }
    synchronized (this) {
      if (pending != waiting) {
        return; // the call itself answered meanwhile, with this campaign's number
      }
      if (found.leading()) {
        pending = null;
        Term term = new Term(node, found.key(), found.createRevision(), found.leaseId());
        if (lease.inUse(term.leaseId())) {
          log.info("election won, seen by a check before the campaign call returned node={} term={} lease={}", node,
              term.revision(), Long.toHexString(term.leaseId()));
          lastWon = term;
          events.accept(new ElectionEvent.ElectionWon(term));
        } else {
          events.accept(new ElectionEvent.CampaignFailed(waiting.attempt, "lease no longer kept alive"));
        }
        return;
      }
      if (found.present()) {
        log.debug("campaign queued node={} key={} attempt={}", node, found.key(), waiting.attempt);
        events.accept(new ElectionEvent.CampaignQueued(waiting.attempt));
        return;
      }
      pending = null; // the key the call waits for is gone: that call can only end badly
    }
    log.info("campaign key vanished while waiting, campaigning again node={} key={}", node, found.key());
    start(new Call(waiting.lease, waiting.attempt)); // a new call: the old one's late answer stays ignored
  }

  /**
   * Ends the call waiting with {@code lease} (0: any) with an answer, superseded or failed; its own answer is
   * ignored from then on.
   */
  synchronized void abandon(long lease, String reason, boolean superseded) {
    if (pending == null || (lease != 0 && pending.lease != lease)) {
      return;
    }
    Call call = pending;
    pending = null;
    log.info("campaign abandoned node={} attempt={} reason={}", node, call.attempt, reason);
    events.accept(superseded ? new ElectionEvent.CampaignSuperseded(call.attempt, reason)
        : new ElectionEvent.CampaignFailed(call.attempt, reason));
  }
}
