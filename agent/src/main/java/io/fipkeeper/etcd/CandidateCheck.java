package io.fipkeeper.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Where a candidacy stands, read in one transaction (one store revision): whether this agent's key for its lease
 * exists, and whether it is the leader key (the lowest create revision under the election prefix).
 *
 * @param present the key exists
 * @param createRevision its create revision (0 when absent)
 * @param leading it is the leader key
 * @param key the key's name
 * @param leaseId the lease it was read for
 * @param readRevision the store revision the read saw
 */
record CandidateCheck(boolean present, long createRevision, boolean leading, String key, long leaseId,
    long readRevision) {

  /**
   * Enters the election: creates the key for {@code leaseId} under that lease with {@code value} unless it exists
   * (an existing key keeps its create revision, hence its place), and reads where it stands, all in one transaction.
   * This is the first half of etcd's election recipe ({@code concurrency.Election.Campaign}); the second, waiting
   * until every older key is gone, is the election's watch.
   */
  static CandidateCheck enter(Client client, ElectionKeys keys, long leaseId, ByteSequence value, Duration timeout)
      throws ExecutionException, TimeoutException {
    ByteSequence key = keys.candidate(leaseId);
    Op own = Op.get(key, GetOption.DEFAULT);
    Op first = Op.get(keys.electionPrefix(), ElectionObserver.FIRST_CANDIDATE);
    // the reads after the put see it: etcd applies a transaction's operations in order on one revision
    TxnResponse txn = BoundedCall.await(client.getKVClient().txn()
        .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
        .Then(Op.put(key, value, PutOption.builder().withLeaseId(leaseId).build()), own, first)
        .Else(own, first)
        .commit(), timeout);
    return of(txn, key, leaseId);
  }

  private static CandidateCheck of(TxnResponse txn, ByteSequence key, long leaseId) {
    List<KeyValue> own = txn.getGetResponses().get(0).getKvs();
    List<KeyValue> first = txn.getGetResponses().get(1).getKvs();
    long revision = own.isEmpty() ? 0 : own.get(0).getCreateRevision();
    boolean leading = revision != 0 && !first.isEmpty() && first.get(0).getCreateRevision() == revision;
    return new CandidateCheck(revision != 0, revision, leading, ElectionKeys.string(key), leaseId,
        txn.getHeader().getRevision());
  }
}
