package io.fipkeeper.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fipkeeper.e2e.AgentCluster.Node;
import io.fipkeeper.hcloudsim.RecordedRequest;
import io.fipkeeper.leader.State;
import io.fipkeeper.testing.EtcdExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression (issue 8, defect 2): the token was read once at start-up although docs/configuration.md promises a
 * re-read per use, so after a Secret rotation and the old token's revocation every later failover failed with 401.
 * Real agents read the token from one file, which is replaced the way the kubelet updates a Secret volume; the
 * simulator revokes the old token. Neither token may ever show in a log line, {@code /status} or {@code /metrics}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TokenRotationE2eTest {
  private static final String OLD = "fk-rot-OLD-" + Long.toHexString(Double.doubleToLongBits(Math.random()));
  private static final String NEW = "fk-rot-NEW-" + Long.toHexString(Double.doubleToLongBits(Math.random()));
  private static final Duration ELECTION = Duration.ofSeconds(15);

  @RegisterExtension static final EtcdExtension etcd = new EtcdExtension();

  @TempDir Path dir;
  private CapturedLogs captured;
  private AgentCluster cluster;

  @BeforeEach
  void start() {
    captured = new CapturedLogs();
    cluster = new AgentCluster(etcd, dir, AgentCluster.Options.defaults().withToken(OLD).withTokenFileRotatingTo(NEW));
  }

  @AfterEach
  void stop() {
    cluster.close();
    captured.close();
  }

  @Test
  void aRotatedTokenFileIsUsedWithoutARestartAndAFailoverWorksAfterTheOldTokenIsRevoked() throws Exception {
    List<Node> nodes = cluster.start(2);
    Node old = cluster.awaitSoleLeader(ELECTION);
    Node next = nodes.stream().filter(n -> n != old).findFirst().orElseThrow();

    cluster.rotateToken();
    cluster.sim().revokeToken("default", true);
    Instant rotated = Instant.now();
    old.crash();
    assertThat(cluster.awaitSoleLeader(ELECTION)).isSameAs(next);

    List<RecordedRequest> after = cluster.sim().requests().stream().filter(r -> r.time().isAfter(rotated)).toList();
    assertThat(after).as("the takeover read the floating IP and assigned it").isNotEmpty();
    assertThat(after).as("every request after the rotation used the new token: none was refused")
        .allSatisfy(r -> {
          assertThat(r.tokenLabel()).isEqualTo("next");
          assertThat(r.status()).isNotEqualTo(401);
        });
    assertThat(cluster.assigns()).filteredOn(c -> c.time().isAfter(rotated))
        .singleElement().satisfies(c -> assertThat(c.tokenLabel()).isEqualTo("next"));
    assertThat(next.snapshot().credentialsRejected()).isFalse();
    assertNoTokenAnywhere(cluster.running());
  }

  @Test
  void withOnlyARevokedTokenTheWinnerSaysSoGivesUpAndStaysOutWithoutFlapping() throws Exception {
    Outage outage = revokeTheOnlyTokenAndCrashTheLeader();
    Node old = outage.crashed();
    Node next = outage.next();
    Instant revoked = outage.revokedAt();
    cluster.awaitUntil(next.name + " reports the rejected token", ELECTION,
        () -> next.snapshot().credentialsRejected() && next.state() == State.STANDBY);

    assertThat(next.snapshot().lastResignation()).startsWith("Hetzner rejected the API token");
    String metrics = Http.get(next.httpBase(), "/metrics").body();
    assertThat(metrics).contains("fipkeeper_hcloud_credentials_rejected{floating_ip=\"203.0.113.10\",node=\""
        + next.name + "\"} 1.0");
    assertThat(metrics).contains("fipkeeper_takeovers_given_up_total{floating_ip=\"203.0.113.10\",node=\""
        + next.name + "\",reason=\"credentials\"} 1.0");
    await("no flapping: the node sits out instead of winning again").during(Duration.ofSeconds(5))
        .atMost(Duration.ofSeconds(8))
        .until(() -> next.state() == State.STANDBY && next.snapshot().credentialsRejected());
    assertThat(cluster.assigns()).as("nothing was assigned with a revoked token")
        .noneMatch(c -> c.time().isAfter(revoked));
    assertThat(cluster.fipServer()).as("the IP stays where it was, never unassigned").isEqualTo(old.serverId());
    assertNoTokenAnywhere(cluster.running());
  }

  /**
   * The outage above ends when the operator replaces the token. The node that sits out over the rejected one sent
   * nothing for up to two minutes (30 s after the first rejection, doubling) and only then noticed the new Secret: the
   * endpoint stayed dark that long after the fix. Now it checks the new token as soon as the file changes, and takes
   * over within seconds.
   */
  @Test
  void aReplacedTokenEndsTheSitOutAndTheNodeTakesOverWithinSecondsOfTheFix() throws Exception {
    Node next = revokeTheOnlyTokenAndCrashTheLeader().next();
    cluster.awaitUntil(next.name + " sits out over the rejected token", ELECTION,
        () -> next.snapshot().credentialsRejected() && next.state() == State.STANDBY);

    cluster.rotateToken();
    long fixed = System.nanoTime();
    assertThat(cluster.awaitSoleLeader(Duration.ofSeconds(10))).as("long before the 30 s sit-out ends").isSameAs(next);
    System.out.println("measured takeover after the token file was replaced millis="
        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - fixed));
    assertThat(next.snapshot().credentialsRejected()).isFalse();
    assertThat(cluster.assigns()).last().satisfies(c -> assertThat(c.tokenLabel()).isEqualTo("next"));
    assertNoTokenAnywhere(cluster.running());
  }

  /** Two agents; the only token revoked at Hetzner, then the leader crashed: nobody can take over. */
  private Outage revokeTheOnlyTokenAndCrashTheLeader() throws Exception {
    List<Node> nodes = cluster.start(2);
    Node old = cluster.awaitSoleLeader(ELECTION);
    Node next = nodes.stream().filter(n -> n != old).findFirst().orElseThrow();
    cluster.sim().revokeToken("default", true);
    Instant revoked = Instant.now();
    old.crash();
    return new Outage(old, next, revoked);
  }

  private record Outage(Node crashed, Node next, Instant revokedAt) {}

  private void assertNoTokenAnywhere(List<Node> nodes) throws Exception {
    List<String> exposed = new ArrayList<>(Http.everyPath(nodes));
    for (Node n : nodes) {
      exposed.add(n.config().toString());
      exposed.add(String.valueOf(n.snapshot()));
    }
    exposed.addAll(captured.texts());
    assertThat(exposed).hasSizeGreaterThan(20).noneMatch(s -> s.contains(OLD)).noneMatch(s -> s.contains(NEW));
  }
}
