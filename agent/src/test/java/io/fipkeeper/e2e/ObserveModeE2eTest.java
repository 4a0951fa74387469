package io.fipkeeper.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.GetOption;
import io.fipkeeper.e2e.AgentCluster.Node;
import io.fipkeeper.hcloudsim.RecordedRequest;
import io.fipkeeper.leader.State;
import io.fipkeeper.net.IpCommandBinder;
import io.fipkeeper.testing.EtcdExtension;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mode: observe} with real agents, real etcd and the Hetzner simulator, beside "another controller" that
 * holds the floating IP on its own server (as Talos' VIP or keepalived would): the observers elect one would-be
 * holder, report a failover of it, read Hetzner, and never send a mutating request, never write outside their own
 * etcd prefix and never touch an address another controller bound on their node.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ObserveModeE2eTest {
  private static final Duration ELECTION = Duration.ofSeconds(10);
  private static final String OBSERVE = "mode: observe";
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension static final EtcdExtension etcd = new EtcdExtension();

  @TempDir Path dir;
  private AgentCluster cluster;
  private long otherController;
  private CapturedLogs logs;

  @BeforeEach
  void clusterWithTheIpOnAnotherControllersServer() {
    logs = new CapturedLogs();
    // verify every 2 s instead of 60 s, so the would-be leader's steady reads show up within the test
    cluster = new AgentCluster(etcd, dir, AgentCluster.Options.defaults().withVerifyInterval(Duration.ofSeconds(2)));
    otherController = cluster.sim().createServer("talos-vip-holder", "198.51.100.99");
    cluster.sim().assignDirectly(cluster.fipId(), otherController);
  }

  @AfterEach
  void tearDown() {
    cluster.close();
    logs.close();
  }

  private List<Node> startObservers(int count) throws Exception {
    for (int i = 1; i <= count; i++) {
      cluster.node("cp-" + i).withConfig(OBSERVE).start();
    }
    return cluster.running();
  }

  private static JsonNode status(Node n) throws Exception {
    return JSON.readTree(Http.get(n.httpBase(), "/status").body());
  }

  private static String metrics(Node n) throws Exception {
    return Http.get(n.httpBase(), "/metrics").body();
  }

  /** The one running observer whose would-be state is LEADING, once the others campaign behind it. */
  private Node awaitOneWouldBeHolder(Duration within) {
    cluster.awaitUntil("exactly one observer would hold the IP, the others campaign", within, () -> {
      List<Node> running = cluster.running();
      return cluster.leaders().size() == 1
          && running.stream().filter(n -> n.state() == State.CAMPAIGNING).count() == running.size() - 1;
    });
    return cluster.leaders().get(0);
  }

  private List<RecordedRequest> mutatingRequests() {
    return cluster.sim().requests().stream()
        .filter(r -> r.path().startsWith("/v1") && !r.method().equals("GET") && !r.method().equals("HEAD"))
        .toList();
  }

  @Test
  void threeObserversElectOneWouldBeHolderReportItsFailoverAndNeverAssign() throws Exception {
    List<Node> nodes = startObservers(3);
    Node first = awaitOneWouldBeHolder(ELECTION);

    JsonNode s = status(first);
    assertThat(s.path("mode").asText()).isEqualTo("observe");
    assertThat(s.path("wouldHold").asBoolean()).isTrue();
    // bind and assign run on two workers: the last sentence is whichever of them finished last
    assertThat(s.path("lastWouldAction").asText()).isIn(
        "assign " + AgentCluster.FIP_ADDRESS + " to server " + first.serverId() + " (Hetzner routes it to server "
            + otherController + ")",
        "bind " + AgentCluster.FIP_ADDRESS + " on recording0 (not on the interface now)");
    assertThat(logs.texts()).contains("would assign floating ip fip=" + AgentCluster.FIP_ADDRESS + " from="
        + otherController + " to=" + first.serverId() + " mode=observe");
    assertThat(s.path("assignedServer").asLong()).as("the real routing, read from Hetzner").isEqualTo(otherController);
    for (Node n : nodes) {
      if (n != first) {
        assertThat(status(n).path("wouldHold").asBoolean(true)).isFalse();
        assertThat(status(n).path("leader").asText()).as("the observers' own election").isEqualTo(first.name);
      }
    }
    assertThat(metrics(first))
        .contains("fipkeeper_observe_would_hold{floating_ip=\"203.0.113.10\",node=\"" + first.name + "\"} 1.0")
        .contains("fipkeeper_leader{floating_ip=\"203.0.113.10\",node=\"" + first.name + "\"} 0.0")
        .contains("fipkeeper_mode{floating_ip=\"203.0.113.10\",mode=\"observe\",node=\"" + first.name + "\"} 1.0")
        .contains("fipkeeper_observe_would_actions_total{action=\"assign\",floating_ip=\"203.0.113.10\",node=\""
            + first.name + "\"} 1.0");
    long readsBefore = hetznerReads();
    cluster.awaitUntil("the would-be leader keeps reading Hetzner (verify every 2 s here)", Duration.ofSeconds(10),
        () -> hetznerReads() >= readsBefore + 2);

    long crashed = System.nanoTime();
    first.crash();
    Node second = awaitOneWouldBeHolder(ELECTION);
    System.out.println("measured observe-mode would-be failover after_ms=" + (System.nanoTime() - crashed) / 1_000_000
        + " from=" + first.name + " to=" + second.name);

    assertThat(second).isNotSameAs(first);
    assertThat(metrics(second)).contains("fipkeeper_observe_would_actions_total{action=\"assign\",floating_ip=\""
        + AgentCluster.FIP_ADDRESS + "\",node=\"" + second.name + "\"} 1.0");
    assertThat(logs.texts()).contains("would assign floating ip fip=" + AgentCluster.FIP_ADDRESS + " from="
        + otherController + " to=" + second.serverId() + " mode=observe");
    assertThat(cluster.assigns()).as("no assign ever reached Hetzner").isEmpty();
    assertThat(cluster.unassigns()).isEmpty();
    assertThat(mutatingRequests()).as("no mutating request at all").isEmpty();
    assertThat(cluster.fipServer()).as("the other controller keeps the IP").isEqualTo(otherController);
    for (Node n : cluster.nodes()) {
      assertThat(n.binder().changes()).as("%s changed no address", n.name).isEmpty();
    }
    assertThat(etcdKeys()).as("every key the observers wrote is under their own prefix").isNotEmpty()
        .allMatch(k -> k.startsWith(cluster.prefix() + "/observe/"));
  }

  /**
   * The other controller's address on an observer's node (Talos' VIP holder is a control plane): an active agent
   * removes it at start-up when Hetzner routes the IP elsewhere ({@code StaleAddressE2eTest}); an observer leaves it
   * alone while it campaigns, while it would hold the IP and when it stops.
   */
  @Test
  void anAddressAnotherControllerBoundOnAnObserversNodeStaysThroughItsWholeLife() throws Exception {
    try (Netns nsA = new Netns(); Netns nsB = new Netns()) {
      for (Netns ns : List.of(nsA, nsB)) {
        ns.ip("addr", "add", AgentCluster.FIP_ADDRESS + "/32", "dev", Netns.DEVICE);
      }
      Node a = cluster.node("cp-a", new IpCommandBinder(Netns.DEVICE, Optional.of(nsA.name), Duration.ofSeconds(5)))
          .withConfig(OBSERVE).start();
      cluster.awaitUntil("cp-a would hold the IP and has read its kernel", ELECTION,
          () -> a.state() == State.LEADING && a.snapshot().bound());
      Node b = cluster.node("cp-b", new IpCommandBinder(Netns.DEVICE, Optional.of(nsB.name), Duration.ofSeconds(5)))
          .withConfig(OBSERVE).start();
      cluster.awaitUntil("cp-b campaigns behind cp-a and has read its kernel", ELECTION,
          () -> b.state() == State.CAMPAIGNING && b.snapshot().bound());
      assertThat(metrics(a)).contains("fipkeeper_observe_would_actions_total{action=\"assign\",floating_ip=\""
          + AgentCluster.FIP_ADDRESS + "\",node=\"cp-a\"} 1.0");
      long readsBefore = hetznerReads();

      assertThat(a.shutdown()).as("a would-be holder stops within its handover bound").isTrue();
      cluster.awaitUntil("cp-b would hold the IP", ELECTION, () -> b.state() == State.LEADING);
      assertThat(b.shutdown()).isTrue();

      assertThat(nsA.addresses()).contains(AgentCluster.FIP_ADDRESS + "/32");
      assertThat(nsB.addresses()).contains(AgentCluster.FIP_ADDRESS + "/32");
      assertThat(a.binder().changes()).isEmpty();
      assertThat(b.binder().changes()).isEmpty();
      assertThat(hetznerReads()).as("Hetzner was read meanwhile (cp-b's would-be takeover)").isGreaterThan(readsBefore);
      assertThat(mutatingRequests()).isEmpty();
      assertThat(cluster.fipServer()).isEqualTo(otherController);
    }
  }

  /** GETs of the floating IP the simulator answered (only a would-be leader reads it steadily). */
  private long hetznerReads() {
    return cluster.sim().requests().stream()
        .filter(r -> r.method().equals("GET") && r.path().startsWith("/v1/floating_ips"))
        .count();
  }

  private List<String> etcdKeys() throws Exception {
    try (Client client = Client.builder().endpoints(etcd.endpoints().toArray(URI[]::new)).build()) {
      return client.getKVClient()
          .get(ByteSequence.from(cluster.prefix() + "/", StandardCharsets.UTF_8),
              GetOption.builder().isPrefix(true).build())
          .get(5, TimeUnit.SECONDS).getKvs().stream()
          .map(kv -> kv.getKey().toString(StandardCharsets.UTF_8))
          .toList();
    }
  }
}
