package io.fipkeeper.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
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
 * <p>The key's presence is the proof that its lease is alive: etcd deletes a lease's keys when it expires it. The
 * lease's remaining TTL is deliberately not asked for: etcd reports it in whole seconds, rounded down, so a lease with
 * 0.9 s left reads 0 — and a lease renewed every TTL/2 has less than a second left in half of all crash-restarts with
 * a 2 s TTL and a start-up of half a second. Whether it is still alive when adopted is what the first keep-alive
 * answers (and the claim, whose condition fails once the key is gone).
 *
 * @param kv the key as read
 */
record PreviousRun(KeyValue kv) {

  /** Reads the election prefix; empty when no key of an earlier run of this agent is left to adopt. */
  static Optional<PreviousRun> find(Client client, ElectionKeys keys, ElectionIdentity self, Duration timeout)
      throws ExecutionException, TimeoutException {
    Optional<KeyValue> found = BoundedCall.await(client.getKVClient().get(keys.electionPrefix(),
        GetOption.builder().isPrefix(true).build()), timeout).getKvs().stream()
        .filter(k -> {
          ElectionIdentity writer = ElectionIdentity.parse(ElectionKeys.string(k.getValue()));
          return writer.sameAgent(self) && !writer.run().equals(self.run());
        })
        .min(Comparator.comparingLong(KeyValue::getCreateRevision));
    return found.map(PreviousRun::new);
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
