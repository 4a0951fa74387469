package io.fipkeeper.bench.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fipkeeper.bench.EtcdCluster;
import io.fipkeeper.bench.Testbed;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CI chaos suite, the same code path as {@code chaos --short}: one trial each of {@link Scenario#SHORT} for
 * fipkeeper (leader SIGKILL, SIGTERM, apiserver failure, the holder's server deleted and recreated with the real
 * kubectl watching, the issue 8/9 scenarios address-removed, winner-cannot-reach-hetzner, leader-crash-restart and
 * etcd-leader-kill, etcd quorum loss and a failed assign action), plus keepalived's crash failover; no fipkeeper
 * trial may violate a rule or miss its recovery bound. Scenarios listed in {@link Scenario#AWAITING_AGENT_FIX} (none
 * at present) are left out until the agent work lands (run them here with {@code -Dfipkeeper.chaos.awaiting=run}).
 */
@Timeout(780)
class ChaosShortSuiteTest {
  private static final Path SIM_JAR = Path.of("../hcloud-sim/target/hcloud-sim.jar");
  private static final Path AGENT_JAR = Path.of("../agent/target/fipkeeper.jar");

  @Test
  void shortSuiteHasNoFipkeeperViolationsAndEveryRecoveryWithinItsBound(@TempDir Path dir) {
    assumeTrue(Testbed.isRoot(), "skipped: the chaos suite needs root (network namespaces)");
    assumeTrue(Files.isExecutable(EtcdCluster.ETCD), "skipped: /usr/bin/etcd missing (apt-get install etcd-server)");
    assumeTrue(Files.isRegularFile(SIM_JAR) && Files.isRegularFile(AGENT_JAR),
        "skipped: " + SIM_JAR + " or " + AGENT_JAR + " not built (./mvnw -DskipTests package)");
    Path out = dir.resolve("chaos.json");
    ChaosSettings settings = ChaosSettings.shortSuite(AGENT_JAR, SIM_JAR, out);
    if (!Files.isExecutable(Path.of("/usr/sbin/keepalived"))) {
      System.out.println("keepalived missing (apt-get install keepalived): its comparison trial is left out");
      settings = settings.withoutKeepalived();
    }
    if (!Files.isExecutable(io.fipkeeper.bench.Kubeconfig.KUBECTL)) {
      System.out.println("kubectl missing (apt-get install kubernetes-client): replace-leader is left out");
      settings = settings.withScenarios(settings.scenarios().stream().filter(s -> !ReplaceTrials.handles(s)).toList());
    }
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    PrintStream tee = new PrintStream(new TeeStream(System.out, buffer), true, StandardCharsets.UTF_8);

    ChaosSuite.Outcome outcome = new ChaosSuite(settings, tee).run();

    assertThat(outcome.fipkeeperFailures()).as("fipkeeper trials with violations:\n%s", buffer).isEmpty();
    Bounds bounds = settings.bounds();
    assertThat(outcome.measurements()).filteredOn(m -> m.tool().equals("fipkeeper"))
        .hasSize(settings.scenarios().size())
        .allSatisfy(m -> {
          Long bound = bounds.of(Scenario.of(m.scenario()));
          if (bound != null) {
            assertThat(m.recoveryMs()).as("%s recovery", m.scenario()).isNotNull().isLessThanOrEqualTo(bound.doubleValue());
          }
        });
    assertThat(outcome.measurements()).filteredOn(m -> m.scenario().equals(Scenario.REPLACE_LEADER.id()))
        .allSatisfy(m -> assertThat(m.kubectlCalls()).as("kubectl calls during replace-leader").isPositive());
    assertThat(out).exists();
  }

  /** Writes to the console and keeps a copy for the failure message. */
  private static final class TeeStream extends java.io.OutputStream {
    private final java.io.OutputStream a;
    private final java.io.OutputStream b;

    TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int c) throws java.io.IOException {
      a.write(c);
      b.write(c);
    }

    @Override
    public void write(byte[] buf, int off, int len) throws java.io.IOException {
      a.write(buf, off, len);
      b.write(buf, off, len);
    }
  }
}
