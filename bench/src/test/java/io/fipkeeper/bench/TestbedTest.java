package io.fipkeeper.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole testbed with the real simulator: Hetzner's routing follows the simulated assignment, and agents
 * fail over when the leader is killed, and the restarted one cleans its stale address (the real agent jar when
 * built, a stand-in otherwise).
 */
@Timeout(150)
class TestbedTest {
  private static final Path SIM_JAR = Path.of("../hcloud-sim/target/hcloud-sim.jar");
  private static final Path AGENT_JAR = Path.of("../agent/target/fipkeeper.jar");

  @BeforeAll
  static void requirements() {
    assumeTrue(Testbed.isRoot(), "skipped: the namespace testbed needs root");
    assumeTrue(Files.isExecutable(EtcdCluster.ETCD), "skipped: /usr/bin/etcd missing (apt-get install etcd-server)");
    assumeTrue(Files.isRegularFile(SIM_JAR), "skipped: " + SIM_JAR + " not built (./mvnw -DskipTests package)");
  }

  @Test
  void floatingIpRouteFollowsTheSimulatorsAssignment(@TempDir Path dir) {
    try (Testbed bed = Testbed.builder().run(93).nodes(2).etcdMembers(1).simJar(SIM_JAR).workDir(dir).build();
        ManagedProcess listener = listen(bed, 2, 7000)) {
      assertThat(listener.isAlive()).as("listener running").isTrue();
      Network net = bed.network().orElseThrow();
      net.node(2).ip("addr", "add", Network.FLOATING_IP + "/32", "dev", "eth0");
      long fip = bed.floatingIpId();
      assertThat(bed.route().orElseThrow().routedServer()).isEmpty();
      assertThat(connects(net.client(), 7000)).as("unassigned floating IP is blackholed").isFalse();

      assertThat(bed.sim().assignAsOperator(fip, bed.sim().serverId("cp-2"))).isEqualTo(201);
      Await.until("client reaches the floating IP on cp-2", Duration.ofSeconds(10), () -> connects(net.client(), 7000));
      assertThat(bed.assignedNode()).contains("cp-2");

      assertThat(bed.sim().assignAsOperator(fip, bed.sim().serverId("cp-1"))).isEqualTo(201);
      Await.until("route follows the assignment to cp-1", Duration.ofSeconds(10),
          () -> bed.route().orElseThrow().routedServer().equals(Optional.of(bed.sim().serverId("cp-1"))));
      assertThat(connects(net.client(), 7000)).as("cp-1 does not hold the address").isFalse();
      assertThat(bed.route().orElseThrow().changes()).hasSize(2);
      JsonNode history = bed.sim().history();
      assertThat(history.get(history.size() - 1).path("serverId").asLong()).isEqualTo(bed.sim().serverId("cp-1"));
    }
    assertThat(Netns.list()).noneMatch(n -> n.startsWith("fk93-"));
  }

  @Test
  void agentsFailOverWhenTheLeaderIsKilled(@TempDir Path dir) {
    Testbed.Builder builder = Testbed.builder().run(94).nodes(3).etcdMembers(3).simJar(SIM_JAR).workDir(dir);
    if (Files.isRegularFile(AGENT_JAR)) {
      builder.agentJar(AGENT_JAR);
    } else {
      builder.agentLaunch(List.of("-cp", JavaCommand.classpath(), StandInAgentMain.class.getName()));
    }
    try (Testbed bed = builder.build()) {
      bed.startAgents(Duration.ofSeconds(60));
      String first = settledLeader(bed, Optional.empty());
      int firstIndex = index(first);
      assertThat(bed.network().orElseThrow().addresses(firstIndex)).contains(Network.FLOATING_IP + "/32");
      for (int i = 1; i <= 3; i++) {
        if (i != firstIndex) {
          assertThat(bed.network().orElseThrow().addresses(i)).as("standby %d", i)
              .doesNotContain(Network.FLOATING_IP + "/32");
        }
      }
      Prober prober = bed.startProber(Duration.ofMillis(50));
      Await.until("client answered by " + first, Duration.ofSeconds(20),
          () -> prober.last().map(s -> s.ok() && s.detail().equals(first)).orElse(false));

      long killedAt = System.nanoTime();
      bed.agent(firstIndex).sigkill();
      String second = settledLeader(bed, Optional.of(first));
      assertThat(second).isNotEqualTo(first);
      Await.until("client answered by " + second, Duration.ofSeconds(20),
          () -> prober.last().map(s -> s.ok() && s.detail().equals(second)).orElse(false));
      assertThat(prober.outageAfter(killedAt)).isPresent();
      assertThat(bed.assignedNode()).contains(second);

      // the crashed node still has the address on eth0; its agent must clean it at start-up and stay standby
      Network net = bed.network().orElseThrow();
      assertThat(net.addresses(firstIndex)).contains(Network.FLOATING_IP + "/32");
      bed.agent(firstIndex).start().waitServing(Duration.ofSeconds(60));
      Await.until("restarted " + first + " cleaned its stale address", Duration.ofSeconds(20),
          () -> !net.addresses(firstIndex).contains(Network.FLOATING_IP + "/32"));
      assertThat(bed.agent(firstIndex).status().map(AgentStatus::state)).isNotEqualTo(Optional.of("LEADING"));
      assertThat(bed.assignedNode()).contains(second);
    }
  }

  private static String settledLeader(Testbed bed, Optional<String> not) {
    return bed.awaitSettledLeader(n -> not.map(x -> !x.equals(n)).orElse(true), Duration.ofSeconds(60));
  }

  private static int index(String node) {
    return Integer.parseInt(node.substring(node.lastIndexOf('-') + 1));
  }

  private static ManagedProcess listen(Testbed bed, int node, int port) {
    Netns ns = bed.network().orElseThrow().node(node);
    ManagedProcess p = ManagedProcess.start("listener", Command.concat(ns.prefix(), JavaCommand.java(), "-Xmx16m",
        "-cp", JavaCommand.classpath(), TcpListenerMain.class.getName(), "0.0.0.0", Integer.toString(port)),
        Map.of(), bed.workDir().resolve("listener.log"));
    Await.until("listener up", Duration.ofSeconds(15), () -> ns.exec("ss", "-ltn").contains(":" + port));
    return p;
  }

  private static boolean connects(Netns from, int port) {
    return Command.exec(Command.concat(from.prefix(), "timeout", "1", "bash", "-c",
        "exec 3<>/dev/tcp/" + Network.FLOATING_IP + "/" + port), 5_000).exitCode() == 0;
  }
}
