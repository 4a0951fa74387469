package io.fipkeeper.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ch.qos.logback.classic.Level;
import io.fipkeeper.Agent;
import io.fipkeeper.Agent.AgentStartException;
import io.fipkeeper.config.AgentConfig;
import io.fipkeeper.config.ConfigLoader;
import io.fipkeeper.e2e.AgentCluster.Node;
import io.fipkeeper.hcloudsim.Endpoint;
import io.fipkeeper.hcloudsim.Fault;
import io.fipkeeper.hcloudsim.FaultRule;
import io.fipkeeper.testing.EtcdExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Hetzner token must never leave the agent except in the Authorization header: not in any log line (DEBUG
 * included) or logged exception, not in {@code /status}, {@code /metrics}, {@code /healthz}, {@code /readyz}, not in
 * start-up errors. Runs a whole life: start, failover through 429/503/500 answers, a start with a wrong token
 * (401), a graceful shutdown.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TokenSecrecyE2eTest {
  private static final String TOKEN = "fk-e2e-SECRET-" + Long.toHexString(Double.doubleToLongBits(Math.random()));
  private static final String WRONG_TOKEN = "fk-e2e-WRONG-" + Long.toHexString(Double.doubleToLongBits(Math.random()));
  private static final Duration ELECTION = Duration.ofSeconds(15);

  @RegisterExtension static final EtcdExtension etcd = new EtcdExtension();

  @TempDir Path dir;
  private CapturedLogs captured;

  @BeforeEach
  void captureEverything() {
    captured = new CapturedLogs();
  }

  @AfterEach
  void stopCapturing() {
    captured.close();
  }

  @Test
  void theTokenNeverAppearsInLogsStatusMetricsOrErrorsThroughAFullLifeWithApiErrors() throws Exception {
    List<String> exposed = new ArrayList<>();
    try (AgentCluster cluster = new AgentCluster(etcd, dir, AgentCluster.Options.defaults().withToken(TOKEN))) {
      List<Node> nodes = cluster.start(3);
      Node first = cluster.awaitSoleLeader(ELECTION);
      exposed.addAll(scrape(nodes));
      exposed.add(first.config().toString());

      cluster.sim().inject(FaultRule.next(Fault.UNAVAILABLE_503, Endpoint.GET_FLOATING_IP, 2));
      cluster.sim().inject(FaultRule.next(Fault.RATE_LIMITED_429, Endpoint.ASSIGN, 1));
      cluster.sim().inject(FaultRule.next(Fault.SERVER_ERROR_500, Endpoint.ASSIGN, 1));
      first.crash();
      Node second = cluster.awaitSoleLeader(ELECTION);
      assertThat(cluster.assigns()).as("the takeover went through the injected 429 and 500")
          .anyMatch(c -> c.httpStatus() == 429).anyMatch(c -> c.httpStatus() == 500);
      exposed.addAll(scrape(cluster.running()));

      Path wrongTokenFile = dir.resolve("wrong-token");
      Files.writeString(wrongTokenFile, WRONG_TOKEN + "\n");
      Node intruder = cluster.node("cp-wrong");
      AgentConfig wrong = ConfigLoader.load(Optional.of(intruder.writeConfig("")),
          Map.of("HCLOUD_TOKEN_FILE", wrongTokenFile.toString()), Map.of());
      AgentStartException refused = catchThrowableOfType(
          () -> Agent.start(wrong, Optional.empty()), AgentStartException.class);
      assertThat(refused).as("a wrong token is refused at start").isNotNull();
      assertThat(refused.getMessage()).as("and says so in one line").doesNotContain("\n").containsIgnoringCase("401");
      exposed.add(wrong.toString());
      for (Throwable t = refused; t != null; t = t.getCause()) {
        exposed.add(String.valueOf(t.getMessage()));
        exposed.add(t.toString());
      }

      assertThat(second.shutdown()).isTrue();
      for (Node n : cluster.running()) {
        exposed.add(String.valueOf(n.snapshot().lastError()));
      }
    }

    assertThat(captured.events()).as("the capture saw the whole run").hasSizeGreaterThan(50)
        .anyMatch(e -> e.getLevel() == Level.DEBUG)
        .anyMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN));
    exposed.addAll(captured.texts());
    assertThat(exposed).as("log lines, HTTP bodies, error messages").isNotEmpty()
        .noneMatch(s -> s.contains(TOKEN))
        .noneMatch(s -> s.contains(WRONG_TOKEN));
  }

  /** Every HTTP body of every given agent. */
  private static List<String> scrape(List<Node> nodes) throws Exception {
    List<String> bodies = Http.everyPath(nodes);
    assertThat(bodies).anyMatch(b -> b.contains("fipkeeper_leader"));
    return bodies;
  }
}
