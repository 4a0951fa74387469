package io.fipkeeper.etcd;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.fipkeeper.leader.Term;
import io.fipkeeper.leader.port.ElectionEvent;
import io.fipkeeper.testing.EtcdExtension;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** One agent's election in a test: the real {@link EtcdElection} plus every event it reported, in order. */
final class Candidate implements AutoCloseable {

  static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);

  final String node;
  final ElectionIdentity identity;
  final List<ElectionEvent> events = new CopyOnWriteArrayList<>();
  final EtcdElection election;
  private final AtomicLong attempts = new AtomicLong();
  private int handled;

  /** A candidate on {@code node}'s server ({@link #serverOf}): two candidates of one node are two runs of one agent. */
  Candidate(EtcdExtension etcd, String prefix, String node, Duration ttl) {
    this(etcd, prefix, ElectionIdentity.of(node, serverOf(node)), ttl);
  }

  Candidate(EtcdExtension etcd, String prefix, ElectionIdentity identity, Duration ttl) {
    this(etcd.endpoints(), prefix, identity, ttl);
  }

  /** A candidate whose client lists {@code endpoints} in this order (the first is its preferred member). */
  Candidate(List<URI> endpoints, String prefix, String node, Duration ttl) {
    this(endpoints, prefix, ElectionIdentity.of(node, serverOf(node)), ttl);
  }

  private Candidate(List<URI> endpoints, String prefix, ElectionIdentity identity, Duration ttl) {
    this.node = identity.node();
    this.identity = identity;
    this.election = new EtcdElection(EtcdSettings.plain(endpoints), prefix, "203.0.113.10", identity, ttl,
        events::add);
  }

  /** Campaigns as the leader loop does: each campaign with the next number. Returns that number. */
  long campaign() {
    long attempt = attempts.incrementAndGet();
    election.campaign(attempt);
    return attempt;
  }

  /** This candidate's election key for {@code lease} as read through {@code endpoint}, or null when there is none. */
  static KeyValue keyOf(URI endpoint, String prefix, long lease) throws Exception {
    try (Client raw = Client.builder().endpoints(endpoint).build()) {
      List<KeyValue> kvs = raw.getKVClient()
          .get(ElectionKeys.bytes(prefix + "/203.0.113.10/election/" + Long.toHexString(lease)))
          .get(5, TimeUnit.SECONDS).getKvs();
      return kvs.isEmpty() ? null : kvs.get(0);
    }
  }

  /**
   * What the leader loop does after a campaign failed or the lease was lost: campaign again (here at once, the loop
   * waits its backoff first). Call it while polling; each failure is answered once.
   */
  synchronized void campaignAgainAfterFailure() {
    boolean failed = false;
    for (int i = handled; i < events.size(); i++) {
      ElectionEvent e = events.get(i);
      failed |= e instanceof ElectionEvent.CampaignFailed || e instanceof ElectionEvent.LeaseGone;
    }
    handled = events.size();
    if (failed) {
      campaign();
    }
  }

  /** The server id a test gives a node name. */
  static long serverOf(String node) {
    return 100 + (node.hashCode() & 0xff);
  }

  Optional<Term> term() {
    return events.stream()
        .filter(ElectionEvent.ElectionWon.class::isInstance)
        .map(e -> ((ElectionEvent.ElectionWon) e).term())
        .reduce((first, second) -> second);
  }

  boolean won() {
    return term().isPresent();
  }

  <T extends ElectionEvent> List<T> eventsOf(Class<T> type) {
    return events.stream().filter(type::isInstance).map(type::cast).toList();
  }

  <T extends ElectionEvent> int indexOf(Class<T> type) {
    for (int i = 0; i < events.size(); i++) {
      if (type.isInstance(events.get(i))) {
        return i;
      }
    }
    return -1;
  }

  /** How a test ends: hand over (resign if leading, revoke) and close; harmless if already closed. */
  @Override
  public void close() {
    term().ifPresent(t -> election.resign(t, CALL_TIMEOUT)); // refused by the adapter once superseded
    election.revoke(CALL_TIMEOUT);
    election.close();
  }

  @Override
  public String toString() {
    return node + events;
  }
}
