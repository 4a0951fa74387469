package io.fipkeeper.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.maintenance.StatusResponse;
import io.etcd.jetcd.options.GetOption;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the election's etcd client back to the first endpoint listed, the node's own member, once that member is
 * healthy again. The client sticks to one member (gRPC {@code pick_first}) and moves to the next endpoint only when
 * its member becomes unreachable, never back: after an etcd quorum loss or a restart of the node's own member an
 * agent would otherwise stay on another node's member for good, and when that node goes, every agent that drifted to
 * it loses its keep-alives at the same moment.
 *
 * <p>A {@link #check()} runs on the election's timer every {@link #CHECK_INTERVAL} while the client is away from the
 * preferred member and every fifth while it is home ({@link ReturnSchedule} counts), without ever blocking the timer:
 * <ol>
 *   <li>it asks the member the client is on who it is: a serializable read, answered by that member from its own
 *       store, whose header names it (the cheap part, and the whole check while the client is home);</li>
 *   <li>away from home, it asks the preferred member for its status on a channel of its own (jetcd's {@code
 *       statusMember}, closed after the call): healthy means it answered within {@link #CALL_TIMEOUT}, is a voting
 *       member, sees a raft leader and reports no error (an alarm such as NOSPACE);</li>
 *   <li>after enough healthy answers in a row (three at first, so a member that just restarted settles; more after
 *       flaps), it builds a new client, which connects to the first endpoint, checks that it really landed on the
 *       preferred member, and hands it to the {@link EtcdConnection}; the watches are then re-opened on it.</li>
 * </ol>
 * A check whose first call fails makes the next ones due every interval, at home too; a client that fails for want of
 * a connection while the preferred member answers healthy is rebuilt at once (see {@code cannotTell}). That part
 * matters with a single endpoint (the chart's default) as much as with several, so the check runs in both cases.
 *
 * <p>Why a move is safe at any moment, a takeover's fence included: see {@link EtcdConnection} (the old client keeps
 * serving what was issued on it) and {@link Campaigns} (a candidacy lives in its key, not in a call). A move changes
 * the member, never the lease, the key or the term, and etcd answers the same on every member (linearizable reads,
 * transactions and lease calls go through the raft leader); a watch re-opened on a member that lags starts a little
 * earlier, which the observer tolerates (it drops what is older than what it has reported).
 *
 * <p>Thread-safety: {@link #check()} is called by the timer only, and every step after a call runs on the timer
 * too, so the counters below have one thread.
 */
final class PreferredMember {

  private static final Logger log = LoggerFactory.getLogger(PreferredMember.class);

  /** How often the client's member is checked while away from the preferred one ({@link ReturnSchedule}'s tick). */
  static final Duration CHECK_INTERVAL = Duration.ofSeconds(1);
  /** Bound on each call of a check. */
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(1);

  private final EtcdConnection connection;
  private final Supplier<Client> newClient;
  private final String preferredTarget;
  private final String preferredEndpoint;
  private final ByteSequence probeKey;
  private final Supplier<Runnable> reopenWatches;
  private final String node;
  private final Executor timer;
  private final AtomicBoolean checking = new AtomicBoolean();

  private volatile long preferredId;
  /** Only used on the timer thread (see the class comment). */
  private final ReturnSchedule schedule = new ReturnSchedule();

  /**
   * @param preferred the first endpoint listed
   * @param newClient builds a client on every endpoint, preferred first (what the election started with)
   * @param probeKey any key: a serializable read of it tells the member (an absent key costs nothing)
   * @param reopenWatches runs once the client was replaced: opens the watches on the new client and returns what
   *     closes the old ones (run right before the old client closes)
   * @param timer where every step after a call runs: never one of jetcd's own threads, since a client built or a
   *     watch opened on a thread of the old client's event loop would stay bound to that loop, which closes with it
   */
  PreferredMember(EtcdConnection connection, URI preferred, Supplier<Client> newClient, ByteSequence probeKey,
      Supplier<Runnable> reopenWatches, String node, Executor timer) {
    this.connection = connection;
    this.newClient = newClient;
    this.preferredEndpoint = preferred.toString();
    // jetcd's own target form for one address (what ClientBuilder.endpoints makes of a URI)
    this.preferredTarget = "ip:///" + preferred.getHost() + (preferred.getPort() == -1 ? "" : ":" + preferred.getPort());
    this.probeKey = probeKey;
    this.reopenWatches = reopenWatches;
    this.node = node;
    this.timer = timer;
  }

  /** The preferred member's id as last seen, 0 until known. */
  long preferredId() {
    return preferredId;
  }

  /** One check; returns at once, the calls complete on jetcd's threads. A check still running skips this one. */
  void check() {
    if (!schedule.tick() || !checking.compareAndSet(false, true)) {
      return;
    }
    CompletableFuture<Void> done;
    try {
      done = memberOf(connection.current())
          .handleAsync((member, error) -> error == null ? decide(member) : cannotTell(error), timer)
          .thenCompose(step -> step);
    } catch (RuntimeException e) { // a closed client throws synchronously
      done = CompletableFuture.failedFuture(e);
    }
    done.whenCompleteAsync((ignored, error) -> {
      if (error != null) {
        schedule.unknown();
        log.debug("etcd member check failed node={} error={}", node, Failures.describe(error));
      }
      checking.set(false);
    }, timer);
  }

  /**
   * The client's member did not answer. When the client got no answer (no connection, or none in time) while the
   * preferred member answers healthy on a fresh connection, the client is rebuilt now: gRPC waits longer and longer
   * between reconnection attempts (up to two minutes), so after an outage of every member it lists — the chart's
   * default lists only the node's own — the old client would come back seconds after etcd did, and etcd gives leases
   * only one TTL plus an election timeout of grace after its restart. No count of healthy answers here: a client that
   * reaches nothing is worse than any healthy member, and the new one must land on that member before it is used.
   */
  private CompletableFuture<Void> cannotTell(Throwable error) {
    schedule.unknown();
    if (!Failures.isNoAnswer(error)) {
      log.debug("etcd member check failed node={} error={}", node, Failures.describe(error));
      return CompletableFuture.completedFuture(null);
    }
    return statusOfPreferred().thenComposeAsync(status -> {
      preferredId = status.getHeader().getMemberId();
      String unhealthy = unhealthy(status);
      if (unhealthy != null) {
        log.debug("etcd client without a connection, preferred member not ready node={} endpoint={} reason={}",
            node, preferredEndpoint, unhealthy);
        return CompletableFuture.<Void>completedFuture(null);
      }
      log.info("etcd client gets no answer while its preferred member does, reconnecting node={} endpoint={} "
          + "error={}", node, preferredEndpoint, Failures.describe(error));
      return moveBack(0);
    }, timer);
  }

  private CompletableFuture<Void> decide(long current) {
    if (current == preferredId) {
      schedule.atHome();
      return CompletableFuture.completedFuture(null);
    }
    return statusOfPreferred().thenComposeAsync(status -> {
      preferredId = status.getHeader().getMemberId(); // a replaced member keeps the endpoint, not the id
      if (current == preferredId) {
        schedule.atHome();
        return CompletableFuture.completedFuture(null);
      }
      int settle = schedule.settle();
      String unhealthy = unhealthy(status);
      boolean due = schedule.away(unhealthy == null);
      if (schedule.settle() > settle) {
        log.info("preferred etcd member failed again soon after the client came back node={} endpoint={} "
            + "healthy_checks_before_next_return={}", node, preferredEndpoint, schedule.settle());
      }
      if (unhealthy != null) {
        log.debug("preferred etcd member not ready node={} endpoint={} reason={}", node, preferredEndpoint, unhealthy);
      }
      return due ? moveBack(current) : CompletableFuture.completedFuture(null);
    }, timer);
  }

  private static String unhealthy(StatusResponse status) {
    if (status.isLearner()) {
      return "learner";
    }
    if (status.getLeader() == 0) {
      return "no raft leader";
    }
    if (!status.getErrorList().isEmpty()) {
      return String.join(", ", status.getErrorList());
    }
    return null;
  }

  private CompletableFuture<Void> moveBack(long from) {
    Client next = newClient.get();
    CompletableFuture<Long> landed;
    try {
      landed = memberOf(next);
    } catch (RuntimeException e) {
      landed = CompletableFuture.failedFuture(e);
    }
    return landed.handleAsync((member, error) -> {
      if (error != null || member != preferredId) {
        next.close(); // it reached another member (the preferred one went again) or nothing: keep the client we have
        log.debug("etcd client not moved node={} landed={} error={}", node, member == null ? "-" : hex(member),
            error == null ? "-" : Failures.describe(error));
        return null;
      }
      AtomicReference<Runnable> closeOldWatches = new AtomicReference<>(() -> { });
      if (connection.replace(next, () -> closeOldWatches.get().run())) {
        closeOldWatches.set(reopenWatches.get());
        schedule.movedBack();
        log.info("etcd client back on its preferred member node={} endpoint={} member={} from={}", node,
            preferredEndpoint, hex(member), hex(from));
      }
      return null;
    }, timer);
  }

  /** The member {@code client} talks to: the one that answers a serializable read names itself in the header. */
  private CompletableFuture<Long> memberOf(Client client) {
    return client.getKVClient().get(probeKey, GetOption.builder().withSerializable(true).withCountOnly(true).build())
        .orTimeout(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .thenApply(response -> response.getHeader().getMemberId());
  }

  private CompletableFuture<StatusResponse> statusOfPreferred() {
    return connection.current().getMaintenanceClient().statusMember(preferredTarget)
        .orTimeout(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static String hex(long id) {
    return Long.toHexString(id);
  }
}
