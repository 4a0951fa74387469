package io.fipkeeper.bench.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fipkeeper.bench.EtcdCluster;
import io.fipkeeper.bench.Testbed;
import io.fipkeeper.bench.keepalived.ObserveTrials;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The CI run of {@code chaos --scenarios observe-keepalived --trials 1}: fipkeeper agents in observe mode beside
 * keepalived, the node that is both keepalived's MASTER and the observers' would-be holder crashes, and the
 * observers must name keepalived's new MASTER within the rule's slack, with no mutating call and no address change.
 */
@Timeout(300)
class ObserveKeepalivedChaosTest {
  private static final Path SIM_JAR = Path.of("../hcloud-sim/target/hcloud-sim.jar");
  private static final Path AGENT_JAR = Path.of("../agent/target/fipkeeper.jar");

  @Test
  void observersNameKeepalivedsNewMasterAfterTheCrashAndChangeNothing(@TempDir Path dir) {
    assumeTrue(Testbed.isRoot(), "skipped: the chaos suite needs root (network namespaces)");
    assumeTrue(Files.isExecutable(EtcdCluster.ETCD), "skipped: /usr/bin/etcd missing (apt-get install etcd-server)");
    assumeTrue(Files.isExecutable(Path.of("/usr/sbin/keepalived")), "skipped: keepalived missing (make deps)");
    assumeTrue(Files.isRegularFile(SIM_JAR) && Files.isRegularFile(AGENT_JAR),
        "skipped: " + SIM_JAR + " or " + AGENT_JAR + " not built (./mvnw -DskipTests package)");
    ChaosCommand command = new ChaosCommand();
    new CommandLine(command).parseArgs("--agent-jar", AGENT_JAR.toString(), "--sim-jar", SIM_JAR.toString(),
        "--scenarios", "observe-keepalived", "--tools", "fipkeeper", "--trials", "1",
        "--out", dir.resolve("chaos.json").toString());
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    PrintStream both = new PrintStream(new java.io.OutputStream() {
      @Override
      public void write(int b) {
        System.out.write(b);
        buffer.write(b);
      }
    }, true, StandardCharsets.UTF_8);

    ChaosSuite.Outcome outcome = new ChaosSuite(command.settings(), both).run();

    assertThat(outcome.measurements()).as("output:\n%s", buffer).singleElement().satisfies(m -> {
      assertThat(m.tool()).isEqualTo(ObserveTrials.TOOL);
      assertThat(m.violations()).isEmpty();
      assertThat(m.recoveryMs()).as("the observers' would-be takeover, from the crash").isNotNull().isPositive();
    });
    assertThat(outcome.fipkeeperFailures()).isEmpty();
    assertThat(buffer.toString(StandardCharsets.UTF_8)).contains("0 mutating calls by the observers' token");
  }
}
