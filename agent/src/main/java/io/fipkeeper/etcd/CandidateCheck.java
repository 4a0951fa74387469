package io.fipkeeper.etcd;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Where a waiting campaign stands, read in one transaction (one store revision): whether this agent's key for its
 * lease still exists, and whether it is the leader key (the lowest create revision under the election prefix). A
 * campaign asked for again while its call is still waiting is answered from this read instead of with a second call.
 *
 * @param present the key exists
 * @param createRevision its create revision (0 when absent)
 * @param leading it is the leader key
 * @param key the key's name
 * @param leaseId the lease it was read for
 */
record CandidateCheck(boolean present, long createRevision, boolean leading, String key, long leaseId) {

  static CandidateCheck read(Client client, ElectionKeys keys, long leaseId, Duration timeout)
      throws ExecutionException, TimeoutException {
    var key = keys.candidate(leaseId);
    TxnResponse read = BoundedCall.await(client.getKVClient().txn()
        .Then(Op.get(key, GetOption.DEFAULT), Op.get(keys.electionPrefix(), ElectionObserver.FIRST_CANDIDATE))
        .commit(), timeout);
    List<KeyValue> own = read.getGetResponses().get(0).getKvs();
    List<KeyValue> first = read.getGetResponses().get(1).getKvs();
    long revision = own.isEmpty() ? 0 : own.get(0).getCreateRevision();
    boolean leading = revision != 0 && !first.isEmpty() && first.get(0).getCreateRevision() == revision;
    return new CandidateCheck(revision != 0, revision, leading, ElectionKeys.string(key), leaseId);
  }
}
