package io.fipkeeper.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fipkeeper.Agent;
import io.fipkeeper.Agent.AgentStartException;
import io.fipkeeper.Main;
import io.fipkeeper.cli.Launcher;
import io.fipkeeper.config.AgentConfig;
import io.fipkeeper.config.ConfigLoader;
import io.fipkeeper.hcloudsim.HcloudSimulator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an operator sees when the configuration is wrong: {@code fipkeeper run} exits 2 with one line per problem
 * naming the key and no stack trace, before anything connects; and a configuration that is valid but points at an
 * unreachable Hetzner endpoint, or carries a wrong token, fails {@link Agent#start} with one secret-free line.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BadConfigE2eTest {
  private static final Logger log = LoggerFactory.getLogger(BadConfigE2eTest.class);
  private static final String TOKEN = "fk-e2e-badconfig-token-7f3a";

  @TempDir Path dir;

  static Stream<Arguments> badFiles() {
    return Stream.of(
        Arguments.of("missing floating IP", "node: cp-1\nbinder: recording\n", "floatingIp"),
        Arguments.of("lease TTL not a number", "floatingIp: {name: k8s-api}\netcd: {leaseTtl: abc}\n",
            "etcd.leaseTtl"),
        Arguments.of("unknown key", "floatingIp: {name: k8s-api}\nhandoverTimout: 5s\n", "handoverTimout"),
        Arguments.of("insecureSkipVerify for a remote apiserver",
            "floatingIp: {name: k8s-api}\napiserver:\n  url: https://10.0.0.2:6443/readyz\n  insecureSkipVerify: true\n",
            "apiserver.insecureSkipVerify"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badFiles")
  void runRefusesABadConfigFileWithExitCodeTwoAndALineNamingTheKey(String what, String yaml, String key)
      throws Exception {
    Path file = dir.resolve("config.yaml");
    Files.writeString(file, yaml);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<AgentConfig> launched = new ArrayList<>();
    Launcher launcher = new Launcher() {
      @Override
      public int run(AgentConfig config) {
        launched.add(config);
        return 0;
      }

      @Override
      public int status(AgentConfig config, boolean json) {
        launched.add(config);
        return 0;
      }
    };

    int code = new Main(Map.of("HCLOUD_TOKEN", TOKEN), new PrintWriter(out), new PrintWriter(err), launcher)
        .execute("run", "--config", file.toString());

    List<String> lines = err.toString().lines().toList();
    assertThat(code).as("exit code; stderr: %s", err).isEqualTo(2);
    assertThat(launched).as("nothing starts").isEmpty();
    assertThat(lines).first().isEqualTo("fipkeeper: invalid configuration:");
    assertThat(lines).as("a line naming %s", key).anyMatch(l -> l.startsWith("  ") && l.contains(key));
    assertThat(err.toString()).as("no stack trace").doesNotContain("\tat ").doesNotContain("Exception")
        .doesNotContain(TOKEN);
  }

  @Test
  void startFailsWithOneSecretFreeLineWhenHetznerIsUnreachable() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    AgentConfig config = config("http://127.0.0.1:" + closedPort + "/v1", TOKEN);

    long t0 = System.nanoTime();
    AgentStartException e = catchThrowableOfType(() -> Agent.start(config, Optional.empty()),
        AgentStartException.class);
    Duration took = Duration.ofNanos(System.nanoTime() - t0);

    assertThat(e).as("start must fail").isNotNull();
    log.info("start refused took={}ms message={}", took.toMillis(), e.getMessage());
    assertThat(e.getMessage()).doesNotContain("\n").doesNotContain(TOKEN).contains("floating IP");
    assertThat(took).as("fails fast instead of hanging").isLessThan(Duration.ofSeconds(30));
    assertThat(chain(e)).noneMatch(m -> m.contains(TOKEN));
  }

  @Test
  void startFailsWithOneLineNamingTheSettingWhenTheMetadataServiceIsUnreachable() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    try (HcloudSimulator sim = HcloudSimulator.builder().port(0).token("default", TOKEN).build().start()) {
      config(sim.apiUrl().toString(), TOKEN, "auto"); // writes agent.yaml: the server id comes from metadata
      AgentConfig config = ConfigLoader.load(Optional.of(dir.resolve("agent.yaml")), Map.of("HCLOUD_TOKEN", TOKEN,
          "HCLOUD_METADATA_URL", "http://127.0.0.1:" + closedPort + "/hetzner/v1/metadata"), Map.of());

      AgentStartException e = catchThrowableOfType(() -> Agent.start(config, Optional.empty()),
          AgentStartException.class);

      assertThat(e).as("start must fail").isNotNull();
      log.info("start refused message={}", e.getMessage());
      assertThat(e.getMessage()).doesNotContain("\n").doesNotContain(TOKEN).contains("metadata", "hcloud.serverId");
    }
  }

  @Test
  void startFailsWithOneSecretFreeLineWhenTheTokenIsWrong() throws Exception {
    try (HcloudSimulator sim = HcloudSimulator.builder().port(0).token("default", "the-right-one").build().start()) {
      sim.createFloatingIp("k8s-api", "203.0.113.10", Map.of());
      AgentConfig config = config(sim.apiUrl().toString(), TOKEN);

      AgentStartException e = catchThrowableOfType(() -> Agent.start(config, Optional.empty()),
          AgentStartException.class);

      assertThat(e).as("start must fail").isNotNull();
      log.info("start refused message={}", e.getMessage());
      assertThat(e.getMessage()).doesNotContain("\n").doesNotContain(TOKEN).containsIgnoringCase("401");
      assertThat(chain(e)).noneMatch(m -> m.contains(TOKEN));
      assertThat(sim.history()).as("nothing was assigned").isEmpty();
    }
  }

  private AgentConfig config(String endpoint, String token) throws Exception {
    return config(endpoint, token, "1");
  }

  private AgentConfig config(String endpoint, String token, String serverId) throws Exception {
    Path file = dir.resolve("agent.yaml");
    Files.writeString(file, String.join("\n",
        "node: cp-1",
        "floatingIp: {name: k8s-api}",
        "hcloud:",
        "  endpoint: " + endpoint,
        "  serverId: " + serverId,
        "  requestTimeout: 1s",
        "etcd: {endpoints: [http://127.0.0.1:1]}",
        "binder: recording",
        "apiserver: {enabled: false}",
        "http: {listen: 127.0.0.1:0}",
        ""));
    return ConfigLoader.load(Optional.of(file), Map.of("HCLOUD_TOKEN", token), Map.of());
  }

  private static List<String> chain(Throwable e) {
    List<String> messages = new ArrayList<>();
    for (Throwable t = e; t != null; t = t.getCause()) {
      messages.add(t.toString());
    }
    return messages;
  }
}
