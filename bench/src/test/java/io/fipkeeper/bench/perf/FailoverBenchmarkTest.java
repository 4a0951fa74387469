package io.fipkeeper.bench.perf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fipkeeper.bench.EtcdCluster;
import io.fipkeeper.bench.Testbed;
import io.fipkeeper.bench.report.Measurement;
import io.fipkeeper.bench.report.ResultsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A short bench-failover on the namespace testbed (2 trials, action time 0, 20 s steady state, one AppCDS round):
 * the results file holds the expected measurements and the takeovers stay within generous bounds. About 60 s;
 * the timeout leaves room for waiting on the testbed lock while the chaos suite runs.
 */
@Timeout(400)
class FailoverBenchmarkTest {
  private static final Path SIM_JAR = Path.of("../hcloud-sim/target/hcloud-sim.jar");
  private static final Path AGENT_JAR = Path.of("../agent/target/fipkeeper.jar");

  @BeforeAll
  static void requirements() {
    assumeTrue(Testbed.isRoot(), "skipped: bench-failover runs on the namespace testbed, which needs root");
    assumeTrue(Files.isExecutable(EtcdCluster.ETCD), "skipped: /usr/bin/etcd missing (apt-get install etcd-server)");
    assumeTrue(Files.isRegularFile(SIM_JAR) && Files.isRegularFile(AGENT_JAR),
        "skipped: " + AGENT_JAR + " or " + SIM_JAR + " not built (./mvnw -DskipTests package)");
  }

  @Test
  void shortRunWritesCrashAndGracefulTrialsWithinGenerousBounds(@TempDir Path dir) {
    Path out = dir.resolve("results/failover.json");
    int exit = new CommandLine(new FailoverBenchmark()).execute("--agent-jar", AGENT_JAR.toString(),
        "--sim-jar", SIM_JAR.toString(), "--trials", "2", "--action-ms", "0", "--steady-seconds", "20",
        "--cds-rounds", "1", "--run", "94", "--lock-wait-minutes", "5", "--out", out.toString());

    assertThat(exit).isZero();
    ResultsFile f = ResultsFile.read(out);
    assertThat(f.kind()).isEqualTo("failover");
    assertThat(f.measurements()).extracting(Measurement::scenario)
        .containsExactly("crash", "graceful", "crash", "graceful");
    assertThat(f.measurements()).allSatisfy(m -> {
      assertThat(m.tool()).isEqualTo("fipkeeper");
      assertThat(m.actionMs()).isZero();
      assertThat(m.violations()).as("violations of trial %d %s", m.trial(), m.scenario()).isEmpty();
      assertThat(m.ok()).isTrue();
      assertThat(m.outageMs()).isBetween(0L, 10_000L);
    });
    List<Long> crash = recoveries(f, "crash");
    List<Long> graceful = recoveries(f, "graceful");
    // targets are 2.5 s and 0.3 s; the bounds here only catch a broken takeover, not a slow machine
    assertThat(crash).allSatisfy(ms -> assertThat(ms).isBetween(0L, 8_000L));
    assertThat(graceful).allSatisfy(ms -> assertThat(ms).isBetween(0L, 3_000L));
    assertThat(f.steadyState().path("windowSeconds").asLong()).isBetween(19L, 25L);
    assertThat(f.requestsPerHour()).isPresent();
    assertThat(f.rssMiB()).hasSize(3).allSatisfy(mib -> assertThat(mib).isBetween(10.0, 512.0));
    assertThat(f.startToReadyMs()).hasSize(4).allSatisfy(ms -> assertThat(ms).isBetween(1L, 30_000L));
    assertThat(f.startup("withoutAppCdsMs")).hasSize(1);
    assertThat(f.settings().path("jvmFlags").asText()).startsWith(JvmFlags.DEFAULT).contains("SharedArchiveFile");
    assertThat(f.startup("withAppCdsMs")).hasSize(1);
  }

  private static List<Long> recoveries(ResultsFile f, String scenario) {
    return f.measurements().stream().filter(m -> m.scenario().equals(scenario)).map(Measurement::recoveryMs).toList();
  }
}
