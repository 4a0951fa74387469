package io.fipkeeper.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.election.LeaderKey;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.support.CloseableClient;
import io.fipkeeper.leader.AgentSnapshot;
import io.fipkeeper.leader.HolderRecord;
import io.fipkeeper.leader.Term;
import io.fipkeeper.leader.port.ElectionBackend;
import io.fipkeeper.leader.port.ElectionEvent;
import io.fipkeeper.leader.port.ElectionException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ElectionBackend} on etcd's own election service (jetcd {@code Election}), one lease per agent.
 *
 * <p>Guarantees: {@link #campaign()} never blocks and never throws; every failure becomes an event
 * ({@code CampaignFailed}, {@code KeepAliveError}, {@code LeaseGone}). {@code ElectionWon} is reported only after
 * re-reading the won key with the campaign's create revision under the lease still in use, so a campaign that
 * "returns" after its key vanished is reported as failed and cleaned up, never as a win. Events reach the listener
 * in order, on one thread ({@link EventRelay}). Fencing compares the leader key's create revision in etcd; it narrows
 * the race with Hetzner's unconditional assign but cannot close it.
 *
 * <p>Identity: every campaign key holds {@link ElectionIdentity} ({@code node/server/run}). A restarted agent adopts
 * the lease of its previous run's key ({@link #adoptPreviousLease}) instead of deleting it, so a restart keeps the
 * key's place and term; it marks the key with its own run id, and a previous run that is still alive (a surge pod on
 * the same node) sees that write and stops acting ({@code Superseded}) instead of both keeping the lease alive.
 * Keys of another identity (another server that reuses the node name, or an older agent) are never touched.
 *
 * <p>Thread-safety: all methods may be called from any thread; lease state is guarded by {@code this}.
 */
public final class EtcdElection implements ElectionBackend {

  private static final Logger log = LoggerFactory.getLogger(EtcdElection.class);

  private final Client client;
  private final KV kv;
  private final ElectionKeys keys;
  private final String node;
  private final ElectionIdentity identity;
  private final ByteSequence value;
  private final long ttlSeconds;
  private final Duration grantTimeout;
  private final EventRelay events;
  private final ElectionObserver observer;
  private final TermGuard guard;

  // guarded by this
  private long leaseId;
  private CloseableClient keepAlive;
  private CompletableFuture<Term> campaign;
  private Term lastWon;
  private boolean closed;
  /** The lease a newer run of this agent adopted from us; its terms are that run's now (0: none). */
  private long supersededLease;

  /**
   * Connects to etcd with {@code settings}; see
   * {@link #EtcdElection(Client, String, String, ElectionIdentity, Duration, Consumer)}.
   */
  public EtcdElection(EtcdSettings settings, String prefix, String floatingIp, ElectionIdentity identity,
      Duration leaseTtl, Consumer<ElectionEvent> listener) {
    this(settings.newClient(), prefix, floatingIp, identity, leaseTtl, listener, settings.dialTimeout());
  }

  /**
   * @param client a jetcd client; this election owns it and closes it in {@link #close()}
   * @param prefix key prefix, e.g. {@code /fipkeeper}
   * @param floatingIp the floating IP this election is for, e.g. {@code 203.0.113.10}
   * @param identity this agent's node, server id and run id (the campaign value)
   * @param leaseTtl lease TTL, whole seconds, at least 2 s
   * @param listener receives every {@link ElectionEvent}, in order, on this election's event thread
   */
  public EtcdElection(Client client, String prefix, String floatingIp, ElectionIdentity identity, Duration leaseTtl,
      Consumer<ElectionEvent> listener) {
    this(client, prefix, floatingIp, identity, leaseTtl, listener, Duration.ofSeconds(2));
  }

  private EtcdElection(Client client, String prefix, String floatingIp, ElectionIdentity identity, Duration leaseTtl,
      Consumer<ElectionEvent> listener, Duration dialTimeout) {
    this.client = Objects.requireNonNull(client, "client");
    this.identity = Objects.requireNonNull(identity, "identity");
    String node = identity.node();
    if (leaseTtl == null || leaseTtl.toSeconds() < 2 || leaseTtl.toMillis() % 1000 != 0) {
      throw new IllegalArgumentException("leaseTtl: must be a whole number of seconds, at least 2, got " + leaseTtl);
    }
    this.kv = client.getKVClient();
    this.keys = ElectionKeys.of(prefix, floatingIp);
    this.node = node;
    this.value = ElectionKeys.bytes(identity.value());
    this.ttlSeconds = leaseTtl.toSeconds();
    // a grant that takes longer than the lease it asks for is useless
    this.grantTimeout = dialTimeout.compareTo(leaseTtl) < 0 ? leaseTtl : dialTimeout;
    this.events = new EventRelay(Objects.requireNonNull(listener, "listener"), "etcd-election-" + node);
    this.observer = new ElectionObserver(client, keys, events, kv -> events.execute(() -> candidateWritten(kv)));
    this.guard = new TermGuard(client, keys, node);
  }

  @Override
  public Optional<Long> adoptPreviousLease(Duration timeout) throws ElectionException {
    try {
      Optional<PreviousRun> found = PreviousRun.find(client, keys, identity, timeout);
      if (found.isEmpty() || !keepAlive(found.get().lease())) {
        return Optional.empty();
      }
      PreviousRun previous = found.get();
      // mark the key as this run's (same lease, same create revision: same place, same term); a previous run that is
      // still alive sees the write and stops acting
      if (!previous.claim(guard, value, timeout)) {
        synchronized (this) {
          leaseId = 0;
          closeKeepAlive();
        }
        log.info("previous run's key vanished, not adopted node={} key={}", node, previous.key());
        return Optional.empty();
      }
      log.info("adopted previous run's election key node={} key={} lease={} revision={} ttl={} previous_run={}", node,
          previous.key(), Long.toHexString(previous.lease()), previous.revision(), previous.ttl(), previous.run());
      return Optional.of(previous.lease());
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      throw new ElectionException("cannot adopt the previous run's lease: " + Failures.describe(e), Failures.unwrap(e));
    }
  }

  /** Starts keeping {@code lease} alive as this election's lease; false when one is already in use or it is gone. */
  private boolean keepAlive(long lease) {
    KeepAliveObserver keepAliveObserver = new KeepAliveObserver(lease, events, this::leaseGone);
    // registered outside our lock: jetcd calls the observer holding its own locks, and the observer takes ours
    CloseableClient registration = client.getLeaseClient().keepAlive(lease, keepAliveObserver);
    synchronized (this) {
      if (closed || leaseId != 0 || keepAliveObserver.isGone()) {
        registration.close();
        return false;
      }
      leaseId = lease;
      keepAlive = registration;
      return true;
    }
  }

  /**
   * A campaign key was written. When it is this election's key and the writer is another run of this agent, that run
   * adopted our lease: let go of it (no revoke, no resign, the key is theirs now) and say so. Runs on the event thread.
   */
  private void candidateWritten(KeyValue written) {
    ElectionIdentity writer = ElectionIdentity.parse(ElectionKeys.string(written.getValue()));
    long lease;
    synchronized (this) {
      if (closed || leaseId == 0 || written.getLease() != leaseId || !writer.sameAgent(identity)
          || writer.run().equals(identity.run())) {
        return;
      }
      lease = leaseId;
      supersededLease = lease;
      leaseId = 0;
      closeKeepAlive();
      campaign = null;
    }
    log.warn("superseded by a newer run of this agent node={} lease={} run={} newer_run={}", node,
        Long.toHexString(lease), identity.run(), writer.run());
    events.accept(new ElectionEvent.Superseded(lease, "run " + writer.run()));
  }

  @Override
  public void campaign() {
    synchronized (this) {
      if (closed || (campaign != null && !campaign.isDone())) {
        return; // one campaign at a time: granting, or queued in the election with the live lease
      }
      CompletableFuture<Term> attempt;
      try {
        observer.start();
        CompletableFuture<Long> lease = leaseId != 0 ? CompletableFuture.completedFuture(leaseId) : grantLease();
        attempt = lease.thenCompose(this::campaignWith);
      } catch (RuntimeException e) { // jetcd throws synchronously on a closed client
        attempt = CompletableFuture.failedFuture(e);
      }
      campaign = attempt;
      CompletableFuture<Term> current = attempt;
      attempt.whenComplete((term, error) -> {
        if (error != null) {
          campaignFailed(current, error);
        }
      });
    }
  }

  private CompletableFuture<Long> grantLease() {
    return client.getLeaseClient().grant(ttlSeconds, grantTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .thenApply(granted -> {
          long id = granted.getID();
          if (!keepAlive(id)) {
            throw new IllegalStateException(isClosed() ? "election closed" : "lease " + Long.toHexString(id)
                + " lost at once");
          }
          log.info("lease granted node={} lease={} ttl={}", node, Long.toHexString(id), granted.getTTL());
          return id;
        });
  }

  private CompletableFuture<Term> campaignWith(long lease) {
    log.debug("campaigning node={} lease={}", node, Long.toHexString(lease));
    return client.getElectionClient().campaign(keys.electionName(), lease, value)
        .thenCompose(response -> confirmWin(response.getLeader()));
  }

  /** A campaign can return after its key was deleted (revoke, expiry); only a key that still exists is a win. */
  private CompletableFuture<Term> confirmWin(LeaderKey won) {
    Term term = new Term(node, ElectionKeys.string(won.getKey()), won.getRevision(), won.getLease());
    return kv.get(won.getKey()).thenApply(response -> {
      boolean present = response.getKvs().stream().anyMatch(k -> k.getCreateRevision() == term.revision());
      synchronized (this) {
        // reported under the lock that leaseGone() takes: a win is never reported after its lease was lost
        if (present && leaseId == term.leaseId() && !closed) {
          // Every campaign the loop asks for gets its answer, even the same term again: the loop asks again only
          // after it dropped the term (e.g. it judged the lease expired by its own clock while etcd kept it), and a
          // swallowed repeat left it CAMPAIGNING forever while its key blocked every other candidate.
          if (term.equals(lastWon)) {
            log.info("election won again node={} term={} lease={}", node, term.revision(),
                Long.toHexString(term.leaseId()));
          } else {
            lastWon = term;
            log.info("election won node={} term={} lease={}", node, term.revision(), Long.toHexString(term.leaseId()));
          }
          events.accept(new ElectionEvent.ElectionWon(term));
          return term;
        }
      }
      // a win for a lease we no longer keep alive would block every other candidate until it expires
      guard.deleteIfCreatedAt(won.getKey(), term.revision());
      throw new IllegalStateException("campaign returned for key " + term.key() + " which is "
          + (present ? "held by an abandoned lease" : "gone"));
    });
  }

  private void campaignFailed(CompletableFuture<Term> attempt, Throwable error) {
    String reason = Failures.describe(error);
    synchronized (this) {
      if (closed || campaign != attempt) {
        log.debug("abandoned campaign ended node={} error={}", node, reason);
        return;
      }
    }
    log.warn("campaign failed node={} error={}", node, reason);
    events.accept(new ElectionEvent.CampaignFailed(reason));
  }

  /** Called once by the keep-alive observer before it reports {@code LeaseGone}. */
  private void leaseGone(long gone) {
    synchronized (this) {
      if (leaseId == gone) {
        leaseId = 0;
        closeKeepAlive();
        campaign = null; // its RPC may hang on etcd's side; the next campaign() starts over with a new lease
      }
    }
    log.warn("lease gone node={} lease={}", node, Long.toHexString(gone));
    // jetcd may give up on a lease etcd still holds (client-side deadline); revoking frees the election at once
    try {
      client.getLeaseClient().revoke(gone).orTimeout(ttlSeconds, TimeUnit.SECONDS);
    } catch (RuntimeException closing) {
      log.debug("lease not revoked node={} lease={} error={}", node, Long.toHexString(gone), Failures.describe(closing));
    }
  }

  @Override
  public boolean stillLeader(Term term, Duration timeout) {
    return !isClosed() && !handedOver(term) && guard.stillLeader(term, timeout);
  }

  @Override
  public void resign(Term term, Duration timeout) {
    if (isClosed() || handedOver(term)) {
      log.info("resign skipped, election {} node={} term={}", isClosed() ? "closed" : "superseded", node,
          term.revision());
      return;
    }
    guard.resign(term, timeout);
  }

  /** The term's lease was adopted by a newer run of this agent: the term is that run's to end, not ours. */
  private synchronized boolean handedOver(Term term) {
    return supersededLease != 0 && term.leaseId() == supersededLease;
  }

  @Override
  public void revoke(Duration timeout) {
    long lease;
    synchronized (this) {
      lease = leaseId;
      leaseId = 0;
      closeKeepAlive(); // the revoke is ours: no LeaseGone for it
      campaign = null;
    }
    if (lease != 0 && !isClosed()) {
      revokeQuietly(lease, timeout);
    }
  }

  /** A fresh call with its own deadline, so it works during shutdown (see {@link BoundedCall}). */
  private void revokeQuietly(long lease, Duration timeout) {
    try {
      BoundedCall.await(client.getLeaseClient().revoke(lease), timeout);
      log.info("lease revoked node={} lease={}", node, Long.toHexString(lease));
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      if (KeepAliveObserver.isLeaseNotFound(e)) {
        log.info("lease already gone node={} lease={}", node, Long.toHexString(lease));
      } else {
        log.warn("lease revoke failed node={} lease={} error={}", node, Long.toHexString(lease), Failures.describe(e));
      }
    }
  }

  @Override
  public boolean publishHolder(Term term, HolderRecord holder, Duration timeout) {
    return !isClosed() && !handedOver(term) && guard.publishHolder(term, holder, timeout);
  }

  @Override
  public void publishAgent(AgentSnapshot snapshot) {
    long lease;
    synchronized (this) {
      lease = leaseId;
    }
    if (lease == 0) {
      log.debug("agent snapshot not published, no lease node={}", node);
      return;
    }
    try {
      kv.put(keys.agent(node), ByteSequence.from(JsonCodec.write(snapshot)), PutOption.builder().withLeaseId(lease).build())
          .orTimeout(ttlSeconds, TimeUnit.SECONDS)
          .whenComplete((ok, error) -> {
            if (error != null) {
              log.debug("agent snapshot not published node={} error={}", node, Failures.describe(error));
            }
          });
    } catch (RuntimeException e) {
      log.debug("agent snapshot not published node={} error={}", node, Failures.describe(e));
    }
  }

  /** The lease in use, 0 when none (tests, status). */
  public synchronized long leaseId() {
    return leaseId;
  }

  private synchronized boolean isClosed() {
    return closed;
  }

  private void closeKeepAlive() {
    if (keepAlive != null) {
      keepAlive.close();
      keepAlive = null;
    }
  }

  /** Stops keep-alive and watches and closes the client; does not resign or revoke (call those first to hand over). */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      closeKeepAlive();
    }
    observer.close();
    client.close();
    events.close();
    log.info("election closed node={}", node);
  }
}
