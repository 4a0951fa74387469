package io.fipkeeper.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.lease.LeaseTimeToLiveResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.PutOption;
import io.fipkeeper.leader.HolderRecord;
import io.fipkeeper.leader.Term;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything done on behalf of a won {@link Term}, each as one etcd Txn that compares the leader key's create
 * revision with the term's: the fencing check, resigning and publishing the holder. A stale term can therefore
 * neither delete a successor's key nor overwrite its holder record. Every call has its own deadline (see
 * {@link BoundedCall}); any doubt answers "not leader" / "not done".
 */
final class TermGuard {

  private static final Logger log = LoggerFactory.getLogger(TermGuard.class);

  private final Supplier<Client> client;
  private final ElectionKeys keys;
  private final String node;

  /** @param client the client each call starts on (each call stays on the client it started on) */
  TermGuard(Supplier<Client> client, ElectionKeys keys, String node) {
    this.client = client;
    this.keys = keys;
    this.node = node;
  }

  /** Deletes {@code key} iff it still has {@code createRevision}, i.e. it was not deleted and re-created since. */
  CompletableFuture<TxnResponse> deleteIfCreatedAt(ByteSequence key, long createRevision) {
    return client.get().getKVClient().txn()
        .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(createRevision)))
        .Then(Op.delete(key, DeleteOption.DEFAULT))
        .commit();
  }

  /** Rewrites {@code key}'s value under {@code lease} iff it still has {@code createRevision} (its place is kept). */
  CompletableFuture<TxnResponse> claim(ByteSequence key, long createRevision, ByteSequence value, long lease) {
    return client.get().getKVClient().txn()
        .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(createRevision)))
        .Then(Op.put(key, value, PutOption.builder().withLeaseId(lease).build()))
        .commit();
  }

  /**
   * The term's lease is alive and its key still exists with the term's create revision; false on any doubt. A live
   * lease has TTL &ge; 0: etcd truncates the remaining time to whole seconds, so a lease with 0.9 s left reads 0,
   * and only a lease it does not know reads -1. The caller re-checks its own safe window once this answers.
   */
  boolean stillLeader(Term term, Duration timeout) {
    try {
      Client on = client.get();
      CompletableFuture<LeaseTimeToLiveResponse> ttl =
          on.getLeaseClient().timeToLive(term.leaseId(), LeaseOption.DEFAULT);
      // the leader is the key with the lowest create revision; once ours was, no lower one can appear, so reading
      // the first key only guards against a term that never won
      CompletableFuture<TxnResponse> fence = on.getKVClient().txn()
          .If(new Cmp(ElectionKeys.bytes(term.key()), Cmp.Op.EQUAL, CmpTarget.createRevision(term.revision())))
          .Then(Op.get(keys.electionPrefix(), ElectionObserver.FIRST_CANDIDATE))
          .commit();
      BoundedCall.await(CompletableFuture.allOf(ttl, fence), timeout);
      boolean alive = ttl.join().getTTL() >= 0;
      TxnResponse txn = fence.join();
      boolean keyHeld = txn.isSucceeded()
          && txn.getGetResponses().get(0).getKvs().stream().anyMatch(k -> k.getCreateRevision() == term.revision());
      if (!alive || !keyHeld) {
        log.info("fencing check failed node={} term={} lease={} leaseAlive={} keyHeld={}", node, term.revision(),
            Long.toHexString(term.leaseId()), alive, keyHeld);
      }
      return alive && keyHeld;
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      log.warn("fencing check failed node={} term={} error={}", node, term.revision(), Failures.describe(e));
      return false;
    }
  }

  /** Deletes the term's key (own deadline, conditional: never a successor's key); failures are logged. */
  void resign(Term term, Duration timeout) {
    ByteSequence key = ElectionKeys.bytes(term.key());
    try {
      TxnResponse response = BoundedCall.await(deleteIfCreatedAt(key, term.revision()), timeout);
      log.info("resigned node={} term={} deleted={}", node, term.revision(), response.isSucceeded());
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      log.warn("resign failed node={} term={} error={}", node, term.revision(), Failures.describe(e));
    }
  }

  /** Writes the holder record (no lease: it outlives the holder) iff the term is still current. */
  boolean publishHolder(Term term, HolderRecord holder, Duration timeout) {
    ByteSequence key = ElectionKeys.bytes(term.key());
    try {
      TxnResponse response = BoundedCall.await(client.get().getKVClient().txn()
          .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(term.revision())))
          .Then(Op.put(keys.holder(), ByteSequence.from(JsonCodec.write(holder)), PutOption.DEFAULT))
          .commit(), timeout);
      if (!response.isSucceeded()) {
        log.warn("holder not published, term is stale node={} term={}", node, term.revision());
      }
      return response.isSucceeded();
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      log.warn("holder publish failed node={} term={} error={}", node, term.revision(), Failures.describe(e));
      return false;
    }
  }
}
