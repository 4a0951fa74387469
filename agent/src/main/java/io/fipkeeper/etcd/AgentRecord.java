package io.fipkeeper.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.PutOption;
import io.fipkeeper.leader.AgentSnapshot;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This agent's snapshot in etcd ({@code P/F/agents/<node>}, attached to its lease), which is what {@code fipkeeper
 * status} lists. The key lives and dies with the lease, so the newest snapshot is written when the loop publishes one
 * <em>and</em> whenever another lease starts being kept alive (granted for a campaign, adopted at start-up): an agent
 * whose state changed before it had a lease is listed as soon as it has one, and again after its lease was lost and
 * replaced. A write that failed is tried again by {@link #flush()}, which the election calls on a slow timer.
 *
 * <p>Bounded: a write happens only when the snapshot or the lease differs from what was last written, one at a time,
 * in order, and while one is under way only the newest waiting snapshot is kept. Without a lease nothing is written
 * (there is nothing to attach the key to).
 *
 * <p>Thread-safety: guarded by {@code this}; writes complete on jetcd's threads.
 */
final class AgentRecord {

  private static final Logger log = LoggerFactory.getLogger(AgentRecord.class);

  private final Supplier<Client> client;
  private final ByteSequence key;
  private final LongSupplier leaseInUse;
  private final Duration timeout;
  private final String node;

  // guarded by this
  private AgentSnapshot latest;
  private AgentSnapshot written;
  private long writtenLease;
  private boolean writing;

  AgentRecord(Supplier<Client> client, ByteSequence key, LongSupplier leaseInUse, Duration timeout, String node) {
    this.client = client;
    this.key = key;
    this.leaseInUse = leaseInUse;
    this.timeout = timeout;
    this.node = node;
  }

  /** The loop's newest snapshot; written at once if a lease is kept alive. */
  void publish(AgentSnapshot snapshot) {
    synchronized (this) {
      latest = snapshot;
    }
    flush();
  }

  /** Writes the newest snapshot unless it is already in etcd under the lease in use, or a write is under way. */
  void flush() {
    AgentSnapshot snapshot;
    long lease;
    synchronized (this) {
      lease = leaseInUse.getAsLong();
      if (writing || latest == null || lease == 0 || (lease == writtenLease && latest.equals(written))) {
        return;
      }
      snapshot = latest;
      writing = true;
    }
    CompletableFuture<?> put;
    try {
      put = client.get().getKVClient().put(key, ByteSequence.from(JsonCodec.write(snapshot)),
          PutOption.builder().withLeaseId(lease).build()).orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) { // a closed client throws synchronously
      put = CompletableFuture.failedFuture(e);
    }
    put.whenComplete((ok, error) -> {
      synchronized (this) {
        writing = false;
        if (error == null) {
          written = snapshot;
          writtenLease = lease;
        }
      }
      if (error == null) {
        flush(); // a newer snapshot or lease may have come meanwhile
      } else {
        log.debug("agent snapshot not published node={} lease={} error={}", node, Long.toHexString(lease),
            Failures.describe(error));
      }
    });
  }
}
