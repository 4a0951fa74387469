package io.fipkeeper.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks files/alerts.yaml with Prometheus' own promtool: syntax and PromQL (`check rules`) and behaviour on
 * synthetic series (`test rules`). Skipped when promtool is absent locally; CI installs Debian's `prometheus`.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class AlertRulesPromtoolTest {
  private Path promtool;

  // per test, not per class, so a missing promtool shows as skipped tests with the reason
  @BeforeEach
  void findPromtool() {
    promtool = Path.of(System.getProperty("fipkeeper.promtool", "/usr/bin/promtool"));
    assumeTrue(Files.isExecutable(promtool),
        "promtool not found at " + promtool + ": apt-get install -y prometheus (or -Dfipkeeper.promtool=PATH)");
  }

  @Test
  void promtoolAcceptsTheRulesFile() throws Exception {
    Result result = run(RepoPaths.root(), promtool.toString(), "check", "rules", RepoPaths.alertRules().toString());

    assertThat(result.exitCode).as(result.output).isZero();
    assertThat(result.output).contains("SUCCESS");
  }

  @Test
  void alertsFireOnlyInTheScenariosTheyAreMeantFor(@TempDir Path dir) throws Exception {
    Files.copy(RepoPaths.alertRules(), dir.resolve("alerts.yaml"));
    try (InputStream tests = getClass().getResourceAsStream("/promtool/alerts_test.yaml")) {
      assertThat(tests).as("promtool/alerts_test.yaml on the test classpath").isNotNull();
      Files.copy(tests, dir.resolve("alerts_test.yaml"));
    }

    Result result = run(dir, promtool.toString(), "test", "rules", "alerts_test.yaml");

    assertThat(result.exitCode).as(result.output).isZero();
    assertThat(result.output).contains("SUCCESS");
  }

  @Test
  void promtoolRejectsABrokenExpressionSoTheCheckIsReal(@TempDir Path dir) throws Exception {
    Path broken = dir.resolve("broken.yaml");
    Files.writeString(broken, Files.readString(RepoPaths.alertRules())
        .replace("sum by (floating_ip) (fipkeeper_leader) == 0", "sum by (floating_ip) (fipkeeper_leader == 0"));

    Result result = run(dir, promtool.toString(), "check", "rules", broken.toString());

    assertThat(result.exitCode).as(result.output).isNotZero();
  }

  private record Result(int exitCode, String output) {}

  private static Result run(Path workDir, String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(List.of(command)).directory(workDir.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("promtool did not finish within 60 s: " + String.join(" ", command));
    }
    return new Result(process.exitValue(), output);
  }
}
