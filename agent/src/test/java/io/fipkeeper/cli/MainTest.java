package io.fipkeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fipkeeper.Main;
import io.fipkeeper.config.AgentConfig;
import io.fipkeeper.config.HttpSettings;
import io.fipkeeper.hcloud.FloatingIpRef;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
  private static final String TOKEN = "cli-test-secret";

  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private final Map<String, String> env = new HashMap<>();
  private final FakeLauncher launcher = new FakeLauncher();
  private Path config;

  @BeforeEach
  void validConfigFile() throws Exception {
    env.put("HCLOUD_TOKEN", TOKEN);
    config = dir.resolve("config.yaml");
    Files.writeString(config, "node: cp-1\nfloatingIp: {name: k8s-api}\nbinder: recording\n");
  }

  private int run(String... args) {
    return new Main(env, new PrintWriter(out), new PrintWriter(err), launcher).execute(args);
  }

  @Test
  void checkConfigPrintsTheEffectiveConfigurationWithTheTokenRedacted() {
    int code = run("check-config", "--config", config.toString());
    assertThat(code).isZero();
    assertThat(out.toString()).contains("node: cp-1  # config file", "name: k8s-api", "binder: recording",
        "<redacted>").doesNotContain(TOKEN);
    assertThat(err.toString()).isEmpty();
    assertThat(launcher.runs).isEmpty();
  }

  @Test
  void invalidConfigurationPrintsOneLinePerProblemWithoutStackTraceAndExitsTwo() throws Exception {
    env.put("FIPKEEPER_LEASE_TTL", "abc");
    Files.writeString(config, "floatingIp: {name: k8s-api}\netcd: {leaseTTL: 3s}\n");
    int code = run("run", "--config", config.toString());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString().lines()).containsExactly(
        "fipkeeper: invalid configuration:",
        "  unknown key 'etcd.leaseTTL' (did you mean 'etcd.leaseTtl'?)",
        "  FIPKEEPER_LEASE_TTL: must be a whole number of seconds between 2 and 300, got \"abc\"");
    assertThat(launcher.runs).as("nothing starts on a bad configuration").isEmpty();
  }

  @Test
  void talosPatchIsASubcommandThatPrintsThePatchAndRejectsBadInputWithExitTwo() {
    assertThat(run("talos-patch", "--for", "cluster", "--floating-ip", "203.0.113.10")).isZero();
    assertThat(out.toString()).contains("endpoint: \"https://203.0.113.10:6443\"");
    assertThat(run("talos-patch", "--for", "cluster", "--floating-ip", "not-an-ip")).isEqualTo(2);
    assertThat(err.toString()).contains("--floating-ip").doesNotContain("Exception");
  }

  @Test
  void runHandsTheConfigurationWithFlagOverridesToTheAgentAndReturnsItsExitCode() {
    launcher.exitCode = 0;
    int code = run("run", "--config", config.toString(), "--floating-ip-id", "42", "--node", "cp-2",
        "--lease-ttl", "5", "--etcd-endpoints", "http://127.0.0.1:2379,http://127.0.0.1:22379",
        "--http-listen", "127.0.0.1:0", "--binder", "ip");
    assertThat(code).isZero();
    AgentConfig c = launcher.runs.get(0);
    assertThat(c.floatingIp()).isEqualTo(new FloatingIpRef.Id(42));
    assertThat(c.node()).isEqualTo("cp-2");
    assertThat(c.etcd().leaseTtlSeconds()).isEqualTo(5);
    assertThat(c.etcd().endpoints())
        .containsExactly(URI.create("http://127.0.0.1:2379"), URI.create("http://127.0.0.1:22379"));
    assertThat(c.http()).isEqualTo(new HttpSettings("127.0.0.1", 0));
    assertThat(c.binder()).isEqualTo(AgentConfig.BinderKind.IP);

    launcher.exitCode = 1;
    assertThat(run("run", "--config", config.toString())).isEqualTo(1);
  }

  @Test
  void debugRaisesTheLogLevelUnlessOneIsGiven() {
    run("run", "--config", config.toString(), "--debug");
    run("run", "--config", config.toString(), "--debug", "--log-level", "warn");
    assertThat(launcher.runs).extracting(c -> c.log().level()).containsExactly("debug", "warn");
  }

  @Test
  void unknownFlagIsAUsageErrorWithExitCodeTwo() {
    assertThat(run("run", "--config", config.toString(), "--lease-tll", "5")).isEqualTo(2);
    assertThat(err.toString()).contains("Unknown options: '--lease-tll'", "Possible solutions: --lease-ttl");
    assertThat(launcher.runs).isEmpty();
  }

  @Test
  void missingOrUnknownCommandIsAUsageError() {
    assertThat(run()).isEqualTo(2);
    assertThat(run("frobnicate")).isEqualTo(2);
    assertThat(err.toString()).contains("missing command").contains("frobnicate");
  }

  @Test
  void aConfigFileNamedOnTheCommandLineMustExist() {
    Path missing = dir.resolve("missing.yaml");
    assertThat(run("check-config", "--config", missing.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("  " + missing + ": config file does not exist");
  }

  @Test
  void statusPassesTheJsonFlag() {
    launcher.exitCode = 0;
    assertThat(run("status", "--config", config.toString(), "--json")).isZero();
    assertThat(run("status", "--config", config.toString())).isZero();
    assertThat(launcher.statusJson).containsExactly(true, false);
  }

  @Test
  void versionPrintsTheBuildVersion() {
    assertThat(run("version")).isZero();
    assertThat(out.toString()).startsWith("fipkeeper ").doesNotContain("${");
    assertThat(out.toString().strip()).isNotEqualTo("fipkeeper unknown");
  }

  @Test
  void anUnexpectedFailureIsOneLineAndExitOneWithTheStackTraceOnlyUnderDebug() {
    launcher.failure = new IllegalStateException("etcd exploded");
    assertThat(run("run", "--config", config.toString())).isEqualTo(1);
    assertThat(err.toString()).isEqualTo("fipkeeper: error: etcd exploded" + System.lineSeparator());

    err.getBuffer().setLength(0);
    assertThat(run("run", "--config", config.toString(), "--debug")).isEqualTo(1);
    assertThat(err.toString()).startsWith("fipkeeper: error: etcd exploded")
        .contains("java.lang.IllegalStateException: etcd exploded", "\tat ");
  }

  private static final class FakeLauncher implements Launcher {
    final List<AgentConfig> runs = new ArrayList<>();
    final List<Boolean> statusJson = new ArrayList<>();
    int exitCode = 0;
    RuntimeException failure;

    @Override
    public int run(AgentConfig config) {
      runs.add(config);
      if (failure != null) {
        throw failure;
      }
      return exitCode;
    }

    @Override
    public int status(AgentConfig config, boolean json) {
      statusJson.add(json);
      return exitCode;
    }
  }
}
