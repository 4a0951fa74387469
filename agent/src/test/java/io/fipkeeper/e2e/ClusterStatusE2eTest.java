package io.fipkeeper.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fipkeeper.e2e.AgentCluster.Node;
import io.fipkeeper.etcd.ClusterStatusReader;
import io.fipkeeper.etcd.EtcdSettings;
import io.fipkeeper.testing.EtcdExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression (found by the image smoke test): {@code fipkeeper status} left out the standbys. An agent publishes its
 * snapshot under {@code <prefix>/<ip>/agents/<node>}, attached to its lease, and did so only on a state change; a
 * standby's one change (STANDBY to CAMPAIGNING) comes before its campaign grants the lease, so the write was skipped
 * and nothing was written later. Every agent that holds a lease is listed now, with its state, and an agent that
 * died leaves the list with its lease.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClusterStatusE2eTest {
  private static final Duration ELECTION = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension static final EtcdExtension etcd = new EtcdExtension();

  @TempDir Path dir;
  private AgentCluster cluster;

  @BeforeEach
  void cluster() {
    cluster = new AgentCluster(etcd, dir);
  }

  @AfterEach
  void tearDown() {
    cluster.close();
  }

  @Test
  void statusListsEveryLiveAgentWithItsStateAndTheLeaderItSees() throws Exception {
    List<Node> nodes = cluster.start(3);
    Node leader = cluster.awaitSoleLeader(ELECTION);

    cluster.awaitUntil("fipkeeper status --json lists the leader LEADING and both standbys CAMPAIGNING", ELECTION,
        () -> listed().equals(expected(nodes, leader)));
    JsonNode standby = agentsByNode().get(nodes.stream().filter(n -> n != leader).findFirst().orElseThrow().name);
    assertThat(standby.get("leader").asText()).as("a standby names the leader").isEqualTo(leader.name);

    leader.crash();
    List<Node> survivors = nodes.stream().filter(n -> n != leader).toList();
    cluster.awaitUntil("a survivor leads", ELECTION, () -> survivors.stream().anyMatch(n -> cluster.leaders().contains(n)));
    Node next = cluster.leaders().get(0);
    cluster.awaitUntil("the crashed agent leaves the list with its lease, the new leader is LEADING", ELECTION,
        () -> listed().equals(expected(survivors, next)));
  }

  /** What {@code fipkeeper status --json} says: node to state. */
  private Map<String, String> listed() throws Exception {
    Map<String, String> states = new TreeMap<>();
    agentsByNode().forEach((node, agent) -> states.put(node, agent.get("state").asText()));
    return states;
  }

  private Map<String, JsonNode> agentsByNode() throws Exception {
    try (ClusterStatusReader reader = new ClusterStatusReader(EtcdSettings.plain(etcd.endpoints()), cluster.prefix(),
        AgentCluster.FIP_ADDRESS)) {
      JsonNode status = JSON.readTree(ClusterStatusReader.toJson(reader.read(Duration.ofSeconds(5))));
      Map<String, JsonNode> agents = new TreeMap<>();
      status.get("agents").forEach(a -> agents.put(a.get("node").asText(), a));
      return agents;
    }
  }

  private static Map<String, String> expected(List<Node> live, Node leader) {
    Map<String, String> states = new TreeMap<>();
    live.forEach(n -> states.put(n.name, n == leader ? "LEADING" : "CAMPAIGNING"));
    return states;
  }
}
