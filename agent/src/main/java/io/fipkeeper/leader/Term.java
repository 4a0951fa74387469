package io.fipkeeper.leader;

/**
 * One leadership term won in the election.
 *
 * @param node the node name that won (this agent)
 * @param key the etcd key this agent's campaign wrote (the leader key while the term lasts)
 * @param revision the create revision of {@code key}: the fencing token and the published "epoch";
 *     strictly increasing across terms cluster-wide
 * @param leaseId the etcd lease the key is attached to
 */
public record Term(String node, String key, long revision, long leaseId) {}
