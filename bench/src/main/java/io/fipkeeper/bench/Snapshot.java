package io.fipkeeper.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the testbed looks like at one instant: each agent's /status (empty when it does not answer), where the
 * simulator has the floating IP, where the router sends it, and the client's last probe.
 */
public record Snapshot(
    long nanos,
    List<Row> rows,
    Optional<String> assignedNode,
    Optional<String> routedNode,
    Optional<Prober.Sample> probe) {

  /**
   * One agent's line; {@code believedAssigned} is the node name of the server the agent last saw the IP on
   * (its {@code assignedServer} id resolved through the simulator), or null.
   */
  public record Row(String node, boolean alive, Optional<AgentStatus> status, long rssKib, String believedAssigned) {}

  /** Reads everything once; unreachable parts show up as empty, never as an exception. */
  public static Snapshot take(Testbed bed, Prober prober) {
    List<Row> rows = new ArrayList<>();
    for (AgentProcess a : bed.agents()) {
      Optional<AgentStatus> st = a.isAlive() ? a.status() : Optional.empty();
      String believed = st.map(AgentStatus::assignedServer).flatMap(Snapshot::parseId)
          .map(id -> bed.sim().serverName(id).orElse("#" + id)).orElse(null);
      rows.add(new Row(a.node().name(), a.isAlive(), st, a.rssKib(), believed));
    }
    Optional<String> assigned;
    try {
      assigned = bed.assignedNode();
    } catch (TestbedException e) {
      assigned = Optional.empty();
    }
    Optional<String> routed = bed.route().flatMap(FloatingIpRoute::routedServer).flatMap(bed.sim()::serverName);
    return new Snapshot(System.nanoTime(), rows, assigned, routed, prober == null ? Optional.empty() : prober.last());
  }

  private static Optional<Long> parseId(String id) {
    try {
      return Optional.of(Long.parseLong(id));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** The one node whose agent is LEADING with the address bound and which the simulator assigned, if any. */
  public Optional<String> settledLeader() {
    List<String> leading = rows.stream()
        .filter(r -> r.status().map(AgentStatus::leadingAndBound).orElse(false))
        .map(Row::node)
        .toList();
    if (leading.size() == 1 && assignedNode.isPresent() && assignedNode.get().equals(leading.get(0))) {
      return Optional.of(leading.get(0));
    }
    return Optional.empty();
  }
}
