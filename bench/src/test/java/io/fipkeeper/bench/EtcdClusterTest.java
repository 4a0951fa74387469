package io.fipkeeper.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A real 3-member etcd across three node namespaces keeps quorum with one member down and loses it with two. */
@Timeout(90)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EtcdClusterTest {
  private static Testbed bed;

  @TempDir
  static Path dir;

  @BeforeAll
  static void start() {
    assumeTrue(Testbed.isRoot(), "skipped: the namespace testbed needs root");
    assumeTrue(Files.isExecutable(EtcdCluster.ETCD), "skipped: /usr/bin/etcd missing (apt-get install etcd-server)");
    bed = Testbed.builder().run(92).nodes(3).etcdMembers(3).workDir(dir).build();
  }

  @AfterAll
  static void stop() {
    if (bed != null) {
      bed.close();
      assertThat(Netns.list()).noneMatch(n -> n.startsWith("fk92-"));
    }
  }

  @Test
  @Order(1)
  void everyMemberIsHealthyInItsOwnNamespace() {
    EtcdCluster etcd = bed.etcd();
    assertThat(etcd.endpoints()).containsExactly(
        "http://198.51.100.11:2379", "http://198.51.100.12:2379", "http://198.51.100.13:2379");
    for (int i = 1; i <= 3; i++) {
      assertThat(etcd.isHealthy(i)).as("member %d healthy", i).isTrue();
      assertThat(etcd.process(i).argv()).startsWith("ip", "netns", "exec", "fk92-n" + i);
    }
  }

  @Test
  @Order(2)
  void killingOneMemberKeepsQuorum() {
    EtcdCluster etcd = bed.etcd();
    etcd.kill(3);
    assertThat(etcd.isRunning(3)).isFalse();
    // a surviving member may need one election timeout to notice and re-elect
    Await.until("members 1 and 2 healthy without member 3", Duration.ofSeconds(15),
        () -> etcd.isHealthy(1) && etcd.isHealthy(2));
    etcd.start(3);
    etcd.waitHealthy(Duration.ofSeconds(20));
    assertThat(etcd.isHealthy(3)).isTrue();
  }

  @Test
  @Order(3)
  void stoppingTwoMembersLosesQuorumUntilRestored() {
    EtcdCluster etcd = bed.etcd();
    assertThat(etcd.loseQuorum()).containsExactly(3, 2);
    Await.until("member 1 reports unhealthy without quorum", Duration.ofSeconds(15), () -> !etcd.isHealthy(1));
    etcd.restoreQuorum(Duration.ofSeconds(30));
    assertThat(etcd.isHealthy(1) && etcd.isHealthy(2) && etcd.isHealthy(3)).isTrue();
  }

  @Test
  @Order(4)
  void partitionedMemberBecomesUnreachableAndRejoins() {
    EtcdCluster etcd = bed.etcd();
    bed.partition(2);
    Await.until("member 2 unreachable after its cable is pulled", Duration.ofSeconds(10), () -> !etcd.isHealthy(2));
    assertThat(etcd.isHealthy(1)).isTrue();
    bed.heal(2);
    etcd.waitHealthy(Duration.ofSeconds(20));
    assertThat(etcd.isHealthy(2)).isTrue();
  }
}
