package io.fipkeeper.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * The election key an earlier run of this agent (same node and server id, another run id) left with a lease that is
 * still alive: what a restarted agent adopts instead of deleting. When there are several, the oldest (lowest create
 * revision: the best place in the queue) is the one.
 *
 * @param kv the key as read
 * @param ttl the lease's remaining TTL in seconds when it was checked (positive)
 */
record PreviousRun(KeyValue kv, long ttl) {

  /** Reads the election prefix and the candidate's lease; empty when nothing alive is left to adopt. */
  static Optional<PreviousRun> find(Client client, ElectionKeys keys, ElectionIdentity self, Duration timeout)
      throws ExecutionException, TimeoutException {
    Optional<KeyValue> found = BoundedCall.await(client.getKVClient().get(keys.electionPrefix(),
        GetOption.builder().isPrefix(true).build()), timeout).getKvs().stream()
        .filter(k -> {
          ElectionIdentity writer = ElectionIdentity.parse(ElectionKeys.string(k.getValue()));
          return writer.sameAgent(self) && !writer.run().equals(self.run());
        })
        .min(Comparator.comparingLong(KeyValue::getCreateRevision));
    if (found.isEmpty()) {
      return Optional.empty();
    }
    long ttl = BoundedCall.await(client.getLeaseClient().timeToLive(found.get().getLease(), LeaseOption.DEFAULT),
        timeout).getTTL();
    return ttl > 0 ? Optional.of(new PreviousRun(found.get(), ttl)) : Optional.empty(); // expiring: let it go
  }

  /** Rewrites the key's value as {@code value} under the same lease, iff it still has its create revision. */
  boolean claim(TermGuard guard, ByteSequence value, Duration timeout) throws ExecutionException, TimeoutException {
    return BoundedCall.await(guard.claim(kv.getKey(), kv.getCreateRevision(), value, kv.getLease()), timeout)
        .isSucceeded();
  }

  long lease() {
    return kv.getLease();
  }

  long revision() {
    return kv.getCreateRevision();
  }

  String key() {
    return ElectionKeys.string(kv.getKey());
  }

  String run() {
    return ElectionIdentity.parse(ElectionKeys.string(kv.getValue())).run();
  }
}
