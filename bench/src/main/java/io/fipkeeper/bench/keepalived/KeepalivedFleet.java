package io.fipkeeper.bench.keepalived;

import io.fipkeeper.bench.Await;
import io.fipkeeper.bench.HttpJson;
import io.fipkeeper.bench.Network;
import io.fipkeeper.bench.Node;
import io.fipkeeper.bench.Testbed;
import io.fipkeeper.bench.TestbedException;
import io.fipkeeper.bench.chaos.Isolation;
import io.fipkeeper.bench.chaos.Timeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * keepalived on every node of a namespace testbed, set up as {@link KeepalivedConfig} describes (node 1 preferred
 * with priority 200, then 100 and 50), its notify script assigning the floating IP through the simulator with
 * keepalived's own token, and a responder per node answering on the floating IP. Shared by keepalived's own trials
 * and the observe-mode comparison, which runs fipkeeper beside it.
 */
final class KeepalivedFleet implements AutoCloseable {
  static final String TOKEN = "testbed-token";
  static final int HTTP_PORT = 9847;
  static final Duration SETTLE = Duration.ofSeconds(40);

  private final Testbed bed;
  private final Network network;
  private final Timeline timeline;
  private final List<KeepalivedNode> nodes = new ArrayList<>();
  private final Map<Long, String> nodeByServer = new HashMap<>();

  /** Writes every node's files; nothing runs until {@link #startAll()}. */
  KeepalivedFleet(Testbed bed, int advertInt, Timeline timeline) {
    if (!Files.isExecutable(KeepalivedNode.KEEPALIVED)) {
      throw new TestbedException(KeepalivedNode.KEEPALIVED + " is missing: apt-get install keepalived");
    }
    this.bed = bed;
    this.network = bed.network().orElseThrow(() -> new TestbedException("keepalived needs the namespace testbed"));
    this.timeline = timeline;
    Path tokenFile = bed.workDir().resolve("hcloud-token");
    try {
      Files.writeString(tokenFile, TOKEN);
      Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException e) {
      throw new TestbedException("cannot write " + tokenFile + ": " + e.getMessage(), e);
    }
    String assignUrl = bed.sim().apiUrl() + "/floating_ips/" + bed.floatingIpId() + "/actions/assign";
    for (Node n : bed.nodes()) {
      long server = bed.sim().serverId(n.name());
      nodeByServer.put(server, n.name());
      Path dir = bed.workDir().resolve("keepalived-" + n.name());
      List<String> peers = bed.nodes().stream().filter(p -> p != n).map(Node::address).toList();
      String script = dir.resolve("notify.sh").toString();
      KeepalivedConfig config = new KeepalivedConfig(n.name(), n.address(), peers, priority(n),
          advertInt, Network.FLOATING_IP, script);
      nodes.add(new KeepalivedNode(n, network.node(n.index()), dir, config,
          KeepalivedConfig.notifyScript(n.name(), dir.resolve("notify.log").toString(), tokenFile.toString(), assignUrl, server)));
    }
  }

  /** VRRP priority: 200 for node 1 (it starts as MASTER and takes the IP back when it returns), then 100, 50. */
  static int priority(Node n) {
    return n.index() == 1 ? 200 : 200 - 50 * n.index();
  }

  /** Starts keepalived and the responder everywhere and waits until every responder answers. */
  void startAll() {
    nodes.forEach(this::start);
    warmUpResponders();
  }

  /**
   * A cold responder JVM takes a few hundred ms for its first answer, which would count as keepalived's outage
   * the first time a node takes over; the harness asks each one once before any trial.
   */
  private void warmUpResponders() {
    HttpJson http = new HttpJson();
    for (KeepalivedNode k : nodes) {
      String url = "http://" + k.node().address() + ":" + HTTP_PORT + "/status";
      Await.until("responder on " + k.node().name() + " answering " + url, Duration.ofSeconds(30),
          () -> {
            try {
              return http.get(url).status() == 200;
            } catch (TestbedException e) {
              return false; // not listening yet
            }
          });
    }
  }

  List<KeepalivedNode> nodes() {
    return nodes;
  }

  Map<Long, String> nodeByServer() {
    return nodeByServer;
  }

  KeepalivedNode node(String name) {
    return nodes.stream().filter(k -> k.node().name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no node " + name));
  }

  /** Stops every keepalived, removes leftover addresses, starts them again and waits for one settled master. */
  String reset() {
    nodes.forEach(KeepalivedNode::stop);
    for (KeepalivedNode k : nodes) {
      Isolation.rejoin(network, k.node().index());
      if (holds(k)) {
        network.node(k.node().index()).ip("addr", "del", Network.FLOATING_IP + "/32", "dev", "eth0");
      }
    }
    nodes.forEach(this::start);
    String[] master = new String[1];
    Await.until("keepalived settled on one master with the floating IP assigned and bound", SETTLE, () -> {
      Optional<String> assigned = bed.assignedNode();
      List<KeepalivedNode> holders = nodes.stream().filter(this::holds).toList();
      if (assigned.isPresent() && holders.size() == 1 && holders.get(0).node().name().equals(assigned.get())) {
        master[0] = assigned.get();
        return true;
      }
      return false;
    });
    return master[0];
  }

  /** Waits until another node than {@code old} has the IP assigned at Hetzner and bound; ms since {@code t0}, or null. */
  Double awaitTakeover(String old, long t0) {
    long[] at = new long[1];
    boolean ok = Await.tryUntil(SETTLE, () -> {
      Optional<String> assigned = bed.assignedNode();
      if (assigned.isEmpty() || assigned.get().equals(old)) {
        return false;
      }
      boolean bound = holds(node(assigned.get()));
      at[0] = System.nanoTime();
      return bound;
    });
    return ok ? (at[0] - t0) / 1e6 : null;
  }

  /** Whether the node has the floating IP bound on its interface, whoever put it there. */
  boolean holds(KeepalivedNode k) {
    return network.addresses(k.node().index()).contains(Network.FLOATING_IP + "/32");
  }

  void start(KeepalivedNode k) {
    timeline.record(k.node().name(), "start keepalived", "STANDBY");
    k.start(javaCommand(), System.getProperty("java.class.path"), HTTP_PORT);
  }

  static String javaCommand() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  @Override
  public void close() {
    nodes.parallelStream().forEach(KeepalivedNode::close);
  }
}
