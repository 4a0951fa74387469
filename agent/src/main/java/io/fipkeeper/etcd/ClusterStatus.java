package io.fipkeeper.etcd;

import io.fipkeeper.leader.AgentSnapshot;
import io.fipkeeper.leader.HolderRecord;
import java.util.List;

/**
 * What etcd says about one floating IP, as shown by {@code fipkeeper status}.
 *
 * @param holder the published holder record, or null when no agent has published one yet
 * @param electedLeader the node the election names leader now, or null when nobody campaigns
 * @param epoch the create revision of the current leader key (0 when there is no leader)
 * @param agents every agent's latest snapshot, sorted by node name (agents whose lease expired are gone)
 */
public record ClusterStatus(HolderRecord holder, String electedLeader, long epoch, List<AgentSnapshot> agents) {

  public ClusterStatus {
    agents = List.copyOf(agents);
  }
}
