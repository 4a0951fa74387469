package io.fipkeeper.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The namespace topology: nodes reach each other, the client reaches the floating IP only via the route. */
@Timeout(60)
class NetworkTest {
  private static final int RUN = 91;

  @BeforeAll
  static void requireRoot() {
    assumeTrue(Testbed.isRoot(), "skipped: network namespaces need root");
  }

  @Test
  void nodesReachEachOtherAndTeardownLeavesNothing() {
    try (Network net = Network.create(RUN, 2)) {
      assertThat(net.liveNamespaces()).containsExactlyInAnyOrder(
          "fk91-rt", "fk91-cl", "fk91-n1", "fk91-n2");
      try (ManagedProcess listener = listen(net.node(2), "198.51.100.12", 7000)) {
        assertThat(listener.isAlive()).as("listener running").isTrue();
        Await.until("node 1 reaches node 2", Duration.ofSeconds(10),
            () -> connects(net.node(1), "198.51.100.12", 7000));
      }
    }
    assertThat(Netns.list()).noneMatch(n -> n.startsWith("fk91-"));
    assertThat(Command.run("ip", "-o", "link", "show")).doesNotContain("fk91mg");
    for (String target : Network.hostRouteTargets(2)) {
      assertThat(Command.run("ip", "route", "show", target + "/32")).as("host route to " + target).isBlank();
    }
  }

  @Test
  void theHostRoutesOnlySingleTestbedAddressesSoTheMachinesOwnNetworksStayReachable() {
    try (Network net = Network.create(RUN, 2)) {
      String routes = Command.run("ip", "route", "show", "dev", "fk91mg");
      assertThat(routes.lines().map(String::strip).filter(l -> !l.isEmpty()))
          .as("every host route into the testbed is a single address")
          .allSatisfy(line -> assertThat(line.split(" ")[0]).matches("[0-9.]+"));
      // an address in the same /24 as the floating IP but not ours must not be routed into the testbed
      assertThat(Command.run("ip", "route", "get", "203.0.113.80")).doesNotContain("fk91mg");
      assertThat(Command.run("ip", "route", "get", "198.51.100.200")).doesNotContain("fk91mg");
    }
  }

  @Test
  void floatingIpIsReachableFromTheClientOnlyOnTheRoutedNode() {
    try (Network net = Network.create(RUN, 2);
        ManagedProcess listener = listen(net.node(2), "0.0.0.0", 7000)) {
      assertThat(listener.isAlive()).as("listener running").isTrue();
      net.node(2).ip("addr", "add", Network.FLOATING_IP + "/32", "dev", "eth0");
      assertThat(connects(net.client(), Network.FLOATING_IP, 7000))
          .as("blackholed before any assignment").isFalse();

      net.routeFloatingIp(Network.nodeAddress(1));
      assertThat(connects(net.client(), Network.FLOATING_IP, 7000))
          .as("routed to node 1, which does not hold the address").isFalse();

      net.routeFloatingIp(Network.nodeAddress(2));
      Await.until("client reaches the floating IP on node 2", Duration.ofSeconds(10),
          () -> connects(net.client(), Network.FLOATING_IP, 7000));
      assertThat(net.addresses(2)).contains(Network.FLOATING_IP + "/32");
    }
  }

  @Test
  void partitionCutsANodeOffAndHealRestoresIt() {
    try (Network net = Network.create(RUN, 2);
        ManagedProcess listener = listen(net.node(2), "198.51.100.12", 7000)) {
      assertThat(listener.isAlive()).as("listener running").isTrue();
      Await.until("node 1 reaches node 2", Duration.ofSeconds(10),
          () -> connects(net.node(1), "198.51.100.12", 7000));
      net.partition(2);
      assertThat(connects(net.node(1), "198.51.100.12", 7000)).isFalse();
      net.heal(2);
      Await.until("node 1 reaches node 2 after heal", Duration.ofSeconds(10),
          () -> connects(net.node(1), "198.51.100.12", 7000));
    }
  }

  /** A TCP listener inside a namespace: bash accepting nothing is not possible, so use the JDK's own tool. */
  private static ManagedProcess listen(Netns ns, String address, int port) {
    List<String> argv = Command.concat(ns.prefix(), JavaCommand.java(), "-Xmx16m", "-cp",
        JavaCommand.classpath(), TcpListenerMain.class.getName(), address, Integer.toString(port));
    ManagedProcess p = ManagedProcess.start("listener", argv, java.util.Map.of(),
        java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "fk-listener.log"));
    Await.until("listener up in " + ns, Duration.ofSeconds(15),
        () -> ns.exec("ss", "-ltn").contains(":" + port));
    return p;
  }

  private static boolean connects(Netns from, String address, int port) {
    return Command.exec(Command.concat(from.prefix(), "timeout", "1", "bash", "-c",
        "exec 3<>/dev/tcp/" + address + "/" + port), 5_000).exitCode() == 0;
  }
}
