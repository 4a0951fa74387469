package io.fipkeeper.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.fipkeeper.leader.AgentSnapshot;
import io.fipkeeper.leader.HolderRecord;
import io.fipkeeper.leader.Term;
import io.fipkeeper.leader.port.ElectionBackend;
import io.fipkeeper.leader.port.ElectionEvent;
import io.fipkeeper.leader.port.ElectionException;
import io.fipkeeper.time.Ticker;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ElectionBackend} on etcd's election recipe (the keys and rules of etcd's election service, run from this
 * client), one lease per agent.
 *
 * <p>Guarantees: no method throws; every failure becomes an event. The lease ({@link OwnLease}) is kept alive by a
 * {@link LeaseKeeper} on the injected {@link Ticker} (never jetcd's wall-clock keep-alive), and is lost only when
 * etcd says so. Campaigns are run by {@link Campaigns}: every {@link #campaign(long)} is answered at once, and
 * {@code ElectionWon} is reported only for this agent's key read as the leader key under the lease still in use.
 * Nothing is held in a long call, so the client may move to another member at any moment: with several endpoints it
 * goes back to the first one, the node's own member, once that is healthy again, and a client that cannot reconnect
 * while that member answers is rebuilt ({@link PreferredMember}, {@link EtcdConnection}). Events reach the listener in order, on one thread
 * ({@link EventRelay}). Fencing compares the leader key's create revision in etcd ({@link TermGuard}); it narrows the
 * race with Hetzner's unconditional assign but cannot close it.
 *
 * <p>Identity: every campaign key holds {@link ElectionIdentity} ({@code node/server/run}). A restarted agent adopts
 * the lease of its previous run's key ({@link #adoptPreviousLease}) instead of deleting it, so a restart keeps the
 * key's place and term; it marks the key with its own run id, and a previous run that is still alive (a surge pod on
 * the same node) sees that write and stops acting ({@code Superseded}) instead of both keeping the lease alive.
 * Keys of another identity (another server that reuses the node name, or an older agent) are never touched.
 *
 * <p>Thread-safety: all methods may be called from any thread. The leader loop calls the side effects (campaign,
 * resign, revoke, publish) from its one etcd worker, in the order it decided them.
 */
public final class EtcdElection implements ElectionBackend {

  private static final Logger log = LoggerFactory.getLogger(EtcdElection.class);

  private final EtcdConnection connection;
  private final ScheduledExecutorService timer;
  private final ElectionKeys keys;
  private final String node;
  private final ElectionIdentity identity;
  private final ByteSequence value;
  private final EventRelay events;
  private final ElectionObserver observer;
  private final TermGuard guard;
  private final OwnLease lease;
  private final Campaigns campaigns;
  private final AgentRecord agentRecord;

  // guarded by this
  private boolean closed;
  /** The lease a newer run of this agent adopted from us; its terms are that run's now (0: none). */
  private long supersededLease;

  /**
   * Connects to etcd with {@code settings}; see
   * {@link #EtcdElection(Client, String, String, ElectionIdentity, Duration, Consumer)}. Keep-alives are timed on the
   * system ticker.
   */
  public EtcdElection(EtcdSettings settings, String prefix, String floatingIp, ElectionIdentity identity,
      Duration leaseTtl, Consumer<ElectionEvent> listener) {
    this(settings, prefix, floatingIp, identity, leaseTtl, Ticker.system(), listener);
  }

  /**
   * As above, with keep-alives timed on {@code ticker}: the same ticker the leader loop decides on. With more than one
   * endpoint the client returns to the first one, the node's own member, whenever it is healthy again after the
   * client had to move to another ({@link PreferredMember}).
   */
  public EtcdElection(EtcdSettings settings, String prefix, String floatingIp, ElectionIdentity identity,
      Duration leaseTtl, Ticker ticker, Consumer<ElectionEvent> listener) {
    this(settings.newClient(), prefix, floatingIp, identity, leaseTtl, ticker, listener, settings);
  }

  /**
   * As above, on a client already made from {@code settings} (start-up makes and connects it while it asks Hetzner,
   * {@link EarlyConnection}); this election owns it and closes it in {@link #close()}.
   */
  public EtcdElection(EtcdSettings settings, Client client, String prefix, String floatingIp,
      ElectionIdentity identity, Duration leaseTtl, Ticker ticker, Consumer<ElectionEvent> listener) {
    this(client, prefix, floatingIp, identity, leaseTtl, ticker, listener, Objects.requireNonNull(settings));
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
    this(client, prefix, floatingIp, identity, leaseTtl, Ticker.system(), listener, null);
  }

  /** @param settings where {@code client} came from, to build another when it should move; null: it never moves */
  private EtcdElection(Client client, String prefix, String floatingIp, ElectionIdentity identity, Duration leaseTtl,
      Ticker ticker, Consumer<ElectionEvent> listener, EtcdSettings settings) {
    Objects.requireNonNull(client, "client");
    this.identity = Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(ticker, "ticker");
    if (leaseTtl == null || leaseTtl.toSeconds() < 2 || leaseTtl.toMillis() % 1000 != 0) {
      throw new IllegalArgumentException("leaseTtl: must be a whole number of seconds, at least 2, got " + leaseTtl);
    }
    this.keys = ElectionKeys.of(prefix, floatingIp);
    this.node = identity.node();
    this.value = ElectionKeys.bytes(identity.value());
    Duration dialTimeout = settings == null ? Duration.ofSeconds(2) : settings.dialTimeout();
    // a grant that takes longer than the lease it asks for is useless
    Duration grantTimeout = dialTimeout.compareTo(leaseTtl) < 0 ? leaseTtl : dialTimeout;
    // keep-alive pulses, the member check, snapshot retries and closing replaced clients: short, never blocking
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "etcd-keepalive-" + node);
      t.setDaemon(true);
      return t;
    });
    this.connection = new EtcdConnection(client, replacedClientGrace(grantTimeout), timer);
    this.events = new EventRelay(Objects.requireNonNull(listener, "listener"), "etcd-election-" + node);
    this.guard = new TermGuard(connection, keys, node);
    this.agentRecord = new AgentRecord(connection, keys.agent(node), this::leaseId, leaseTtl, node);
    this.lease = new OwnLease(connection, node, leaseTtl, grantTimeout, ticker, events, timer, this::leaseGone,
        kept -> agentRecord.flush());
    this.campaigns = new Campaigns(connection, keys, node, value, lease, events);
    this.observer = new ElectionObserver(connection, keys, events, kv -> events.execute(() -> candidateWritten(kv)),
        campaigns::firstKeyRead);
    schedule(agentRecord::flush, SNAPSHOT_RETRY);
    if (settings != null) { // with one endpoint too: it rebuilds a client that cannot reconnect in time
      PreferredMember preferred = new PreferredMember(connection, settings.endpoints().get(0), settings::newClient,
          keys.holder(), observer::reopen, node, task -> {
            try {
              timer.execute(task);
            } catch (RejectedExecutionException closing) {
              task.run(); // the election is closing: the step only cleans up (the connection refuses a new client)
            }
          });
      schedule(preferred::check, PreferredMember.CHECK_INTERVAL);
    }
  }

  /** How often a snapshot write that failed is tried again (a no-op while etcd has the newest one). */
  static final Duration SNAPSHOT_RETRY = Duration.ofSeconds(5);

  /**
   * How long a client replaced by one on the preferred member stays open: longer than any bounded call made on it
   * (the longest is the lease grant, bounded by {@code grantTimeout} plus 1 s; keep-alives are abandoned after one
   * TTL, which the grant timeout is at least), so nothing issued on it fails because it closed.
   */
  static Duration replacedClientGrace(Duration grantTimeout) {
    Duration grace = grantTimeout.plusSeconds(2);
    return grace.compareTo(Duration.ofSeconds(10)) < 0 ? Duration.ofSeconds(10) : grace;
  }

  private void schedule(Runnable task, Duration every) {
    timer.scheduleWithFixedDelay(() -> {
      try {
        task.run();
      } catch (RuntimeException e) { // a throw would cancel the schedule
        log.warn("etcd background task failed node={} error={}", node, e.toString(), e);
      }
    }, every.toNanos(), every.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** How often a healthy lease is renewed: TTL/2 (the rule {@code LeaderSettings.withTtl} assumes). */
  public static Duration keepAliveInterval(Duration leaseTtl) {
    return OwnLease.keepAliveInterval(leaseTtl);
  }

  @Override
  public Optional<Long> adoptPreviousLease(Duration timeout) throws ElectionException {
    try {
      long start = System.nanoTime();
      Optional<PreviousRun> found = PreviousRun.find(connection.current(), keys, identity, timeout);
      long read = System.nanoTime();
      if (found.isEmpty() || !lease.keepAlive(found.get().lease())) {
        return Optional.empty();
      }
      PreviousRun previous = found.get();
      // mark the key as this run's (same lease, same create revision: same place, same term); a previous run that is
      // still alive sees the write and stops acting
      if (!previous.claim(guard, value, timeout)) {
        lease.release();
        log.info("previous run's key vanished, not adopted node={} key={}", node, previous.key());
        return Optional.empty();
      }
      log.info("adopted previous run's election key node={} key={} lease={} revision={} previous_run={} read_ms={} "
          + "claim_ms={}", node, previous.key(), Long.toHexString(previous.lease()), previous.revision(), previous.run(),
          millis(read - start), millis(System.nanoTime() - read));
      return Optional.of(previous.lease());
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      throw new ElectionException("cannot adopt the previous run's lease: " + Failures.describe(e), Failures.unwrap(e));
    }
  }

  private static long millis(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }

  /** The lease in use, 0 when none (tests, status). */
  public long leaseId() {
    return lease.id();
  }

  private synchronized boolean isClosed() {
    return closed;
  }

  /**
   * A campaign key was written. When it is this election's key and the writer is another run of this agent, that run
   * adopted our lease: let go of it (no revoke, no resign, the key is theirs now) and say so. Runs on the event thread.
   */
  private void candidateWritten(KeyValue written) {
    ElectionIdentity writer = ElectionIdentity.parse(ElectionKeys.string(written.getValue()));
    long ours = lease.id();
    if (ours == 0 || written.getLease() != ours || !writer.sameAgent(identity) || writer.run().equals(identity.run())) {
      return;
    }
    synchronized (this) {
      if (closed) {
        return;
      }
      supersededLease = ours;
    }
    lease.release();
    campaigns.abandon(ours, "a newer run of this agent took the lease over", true);
    log.warn("superseded by a newer run of this agent node={} lease={} run={} newer_run={}", node,
        Long.toHexString(ours), identity.run(), writer.run());
    events.accept(new ElectionEvent.Superseded(ours, "run " + writer.run()));
  }

  @Override
  public void campaign(long attempt) {
    if (isClosed()) {
      events.accept(new ElectionEvent.CampaignFailed(attempt, "election closed"));
      return;
    }
    observer.start();
    campaigns.campaign(attempt);
  }

  /** etcd answered that the lease in use is gone; runs before {@code LeaseGone} is reported. */
  private void leaseGone(long gone) {
    campaigns.abandon(gone, "lease gone", false);
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
    long revoked = lease.revoke(timeout);
    campaigns.abandon(revoked, "lease revoked", true);
  }

  @Override
  public boolean publishHolder(Term term, HolderRecord holder, Duration timeout) {
    return !isClosed() && !handedOver(term) && guard.publishHolder(term, holder, timeout);
  }

  /** Written now if a lease is kept alive, else as soon as one is (see {@link AgentRecord}); never blocks. */
  @Override
  public void publishAgent(AgentSnapshot snapshot) {
    agentRecord.publish(snapshot);
  }

  /** Stops keep-alive and watches and closes the client; does not resign or revoke (call those first to hand over). */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    lease.close();
    campaigns.abandon(0, "election closed", false);
    observer.close();
    timer.shutdownNow();
    connection.close();
    events.close();
    log.info("election closed node={}", node);
  }
}
