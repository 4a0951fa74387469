package io.fipkeeper.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fipkeeper.e2e.AgentCluster.Node;
import io.fipkeeper.testing.EtcdExtension;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /metrics} of a running leader and a standby, scraped over HTTP after a takeover (so the histogram, the
 * per-code Hetzner counters and the state transitions exist), passes Prometheus' own {@code promtool check metrics}:
 * no lint message at all. Skipped when promtool is absent locally, except under CI ({@code CI=true}), where Debian's
 * {@code prometheus} package is installed by scripts/install-deps.sh.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MetricsPromtoolE2eTest {
  private static final Path PROMTOOL = Path.of(System.getProperty("fipkeeper.promtool", "/usr/bin/promtool"));

  @RegisterExtension static final EtcdExtension etcd = new EtcdExtension();

  @TempDir Path dir;
  private AgentCluster cluster;

  @BeforeEach
  void cluster() {
    if (!"true".equals(System.getenv("CI"))) {
      assumeTrue(Files.isExecutable(PROMTOOL),
          "promtool not found at " + PROMTOOL + ": apt-get install -y prometheus (or -Dfipkeeper.promtool=PATH)");
    }
    cluster = new AgentCluster(etcd, dir);
  }

  @AfterEach
  void tearDown() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void liveScrapeOfALeaderAndAStandbyPassesPromtoolCheckMetrics() throws Exception {
    List<Node> nodes = cluster.start(2);
    Node leader = cluster.awaitSoleLeader(Duration.ofSeconds(10));

    for (Node n : nodes) {
      HttpResponse<String> scrape = Http.get(n.httpBase(), "/metrics");
      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(scrape.body()).contains("fipkeeper_leader{", "process_cpu_seconds_total{", "jvm_memory_used_bytes{");
      if (n == leader) {
        assertThat(scrape.body()).contains("fipkeeper_failover_duration_seconds_bucket{", "fipkeeper_hcloud_requests_total{");
      }

      String lint = promtoolCheckMetrics(scrape.body());

      assertThat(lint).as("promtool check metrics on %s's /metrics", n.name).isEmpty();
    }
  }

  /** Pipes the text to {@code promtool check metrics}; returns what it printed, or fails on a non-zero exit. */
  private static String promtoolCheckMetrics(String exposition) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(PROMTOOL.toString(), "check", "metrics").redirectErrorStream(true).start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(exposition.getBytes(StandardCharsets.UTF_8));
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("promtool finished").isTrue();
    assertThat(p.exitValue()).as("promtool check metrics exit code; it said:\n%s", out).isZero();
    return out;
  }
}
