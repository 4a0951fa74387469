package io.fipkeeper.etcd;

import io.etcd.jetcd.Client;
import io.fipkeeper.leader.port.ElectionEvent;
import io.fipkeeper.time.Ticker;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one etcd lease this agent keeps alive at a time: granted for a campaign or adopted from the previous run, kept
 * alive by a {@link LeaseKeeper} on the election's ticker, given up on purpose ({@link #release()}, {@link #revoke})
 * or lost when etcd says it is gone. Only the last is reported as lost ({@code LeaseGone}, after {@code onGone}).
 *
 * <p>Timing, from the TTL (the rule {@code LeaderSettings.withTtl} assumes): a healthy lease is renewed every TTL/2,
 * a failing one every half of that (at least 500 ms), which is also each request's own deadline.
 *
 * <p>Thread-safety: guarded by {@code this}; {@code onGone} and the keeper's calls run outside the lock.
 */
final class OwnLease implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(OwnLease.class);
  /** How often the keep-alive timer looks at the ticker; the send times it decides on are ticker readings. */
  static final Duration PULSE = Duration.ofMillis(50);
  private static final Duration MIN_DEADLINE = Duration.ofMillis(500);

  private final Supplier<Client> client;
  private final String node;
  private final Duration ttl;
  private final Duration grantTimeout;
  private final Ticker ticker;
  private final Consumer<ElectionEvent> events;
  private final LongConsumer onGone;
  private final LongConsumer onKept;
  private final ScheduledExecutorService timer;

  // guarded by this
  private LeaseKeeper keeper;
  private boolean closed;

  /**
   * @param client the client each call starts on
   * @param timer runs the keep-alive pulses; shared with the election's other periodic work, never blocked
   * @param onGone runs when etcd said the lease in use is gone, before {@code LeaseGone} is reported
   * @param onKept runs when a lease starts being kept alive (granted or adopted), with its id
   */
  OwnLease(Supplier<Client> client, String node, Duration ttl, Duration grantTimeout, Ticker ticker,
      Consumer<ElectionEvent> events, ScheduledExecutorService timer, LongConsumer onGone, LongConsumer onKept) {
    this.client = client;
    this.node = node;
    this.ttl = ttl;
    this.grantTimeout = grantTimeout;
    this.ticker = ticker;
    this.events = events;
    this.timer = timer;
    this.onGone = onGone;
    this.onKept = onKept;
  }

  /** How often a healthy lease is renewed: TTL/2. */
  static Duration keepAliveInterval(Duration ttl) {
    return ttl.dividedBy(2);
  }

  /** Each keep-alive's own deadline and the pause after a failed one: half the interval, at least 500 ms. */
  static Duration keepAliveDeadline(Duration ttl) {
    Duration d = keepAliveInterval(ttl).dividedBy(2);
    return d.compareTo(MIN_DEADLINE) < 0 ? MIN_DEADLINE : d;
  }

  /**
   * Grants a fresh lease and keeps it alive; bounded by the grant timeout. The grant counts as the lease's first
   * renewal: it is reported as a {@code KeepAliveOk} sent when the grant request was, so the loop knows the lease's
   * earliest expiry even if every keep-alive after it fails.
   */
  long grant() throws ExecutionException, TimeoutException {
    long sent = ticker.read();
    var granted = BoundedCall.await(client.get().getLeaseClient().grant(ttl.toSeconds(), grantTimeout.toMillis(),
        TimeUnit.MILLISECONDS), grantTimeout.plusSeconds(1));
    long id = granted.getID();
    // reported before the keeper starts, so that it precedes every keep-alive event of this lease
    events.accept(new ElectionEvent.KeepAliveOk(id, granted.getTTL(), sent));
    if (!keepAlive(id)) {
      throw new IllegalStateException(isClosed() ? "election closed" : "lease " + Long.toHexString(id)
          + " granted while another is in use");
    }
    log.info("lease granted node={} lease={} ttl={}", node, Long.toHexString(id), granted.getTTL());
    return id;
  }

  /** Starts keeping {@code lease} alive; false when one is already in use or this is closed. */
  boolean keepAlive(long lease) {
    // each renewal on the client in use when it is sent: a request under way when the client changes ends on the old one
    LeaseKeeper k = new LeaseKeeper(lease, id -> client.get().getLeaseClient().keepAliveOnce(id),
        keepAliveInterval(ttl), keepAliveDeadline(ttl), ttl, ticker, events, this::gone);
    synchronized (this) {
      if (closed || keeper != null) {
        k.close();
        return false;
      }
      keeper = k;
    }
    ScheduledFuture<?> pulses = timer.scheduleAtFixedRate(() -> {
      try {
        k.pulse();
      } catch (RuntimeException e) { // a throw would cancel the schedule, and with it the lease
        log.error("keep-alive pulse failed lease={} error={}", Long.toHexString(lease), e.toString(), e);
      }
    }, 0, PULSE.toNanos(), TimeUnit.NANOSECONDS);
    k.pulsedBy(() -> pulses.cancel(false));
    onKept.accept(lease);
    return true;
  }

  /** The lease in use, 0 when none. */
  synchronized long id() {
    return keeper == null ? 0 : keeper.leaseId();
  }

  synchronized boolean isClosed() {
    return closed;
  }

  /** Whether {@code lease} is still the one kept alive (a win for any other lease is no win). */
  synchronized boolean inUse(long lease) {
    return !closed && keeper != null && keeper.leaseId() == lease;
  }

  /** Stops keeping the lease alive (no revoke, no event); returns it, 0 when none. */
  long release() {
    LeaseKeeper k;
    synchronized (this) {
      k = keeper;
      keeper = null;
    }
    if (k == null) {
      return 0;
    }
    k.close();
    return k.leaseId();
  }

  /**
   * Stops keeping the lease alive and revokes it with a fresh call on its own deadline, so it works during shutdown
   * (see {@link BoundedCall}); failures are logged. Returns the lease, 0 when none was in use.
   */
  long revoke(Duration timeout) {
    long lease = release(); // the revoke is ours: no LeaseGone for it
    if (lease == 0 || isClosed()) {
      return lease;
    }
    try {
      BoundedCall.await(client.get().getLeaseClient().revoke(lease), timeout);
      log.info("lease revoked node={} lease={}", node, Long.toHexString(lease));
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      if (Failures.isLeaseNotFound(e)) {
        log.info("lease already gone node={} lease={}", node, Long.toHexString(lease));
      } else {
        log.warn("lease revoke failed node={} lease={} error={}", node, Long.toHexString(lease), Failures.describe(e));
      }
    }
    return lease;
  }

  /** etcd answered that {@code lease} is not found: nothing to revoke, nobody to tell but the campaigns. */
  private void gone(long lease) {
    synchronized (this) {
      if (keeper == null || keeper.leaseId() != lease) {
        return;
      }
      keeper = null;
    }
    log.warn("lease gone node={} lease={}", node, Long.toHexString(lease));
    onGone.accept(lease);
  }

  /** Stops keeping any lease alive, for good. Does not revoke. The timer is the election's to stop. */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    release();
  }
}
