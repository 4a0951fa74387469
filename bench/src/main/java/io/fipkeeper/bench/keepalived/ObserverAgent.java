package io.fipkeeper.bench.keepalived;

import com.fasterxml.jackson.databind.JsonNode;
import io.fipkeeper.bench.Await;
import io.fipkeeper.bench.HttpJson;
import io.fipkeeper.bench.ManagedProcess;
import io.fipkeeper.bench.Node;
import io.fipkeeper.bench.Testbed;
import io.fipkeeper.bench.TestbedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One real fipkeeper agent in {@code mode: observe} on a node that keepalived also runs on: the shaded jar, a YAML
 * config of its own (its HTTP port is {@link #HTTP_PORT}, since keepalived's responder has the usual one), its own
 * token file (the simulator counts that token under its own label, so every request it makes is told apart from
 * keepalived's), the real {@code ip} binder on {@code eth0} and the node's fake apiserver. Output in a plain log
 * the chaos {@code AgentLog} reads.
 */
final class ObserverAgent implements AutoCloseable {
  static final int HTTP_PORT = 9848;

  private final Node node;
  private final Path jar;
  private final Path config;
  private final Path log;
  private final HttpJson http = new HttpJson();
  private ManagedProcess process;

  ObserverAgent(Testbed bed, Node node, Path jar, Path tokenFile, Duration leaseTtl) {
    this.node = node;
    this.jar = jar;
    this.config = bed.workDir().resolve("observer-" + node.name() + ".yaml");
    this.log = bed.workDir().resolve("observer-" + node.name() + ".log");
    List<String> etcd = new ArrayList<>(bed.etcd().endpoints());
    Collections.rotate(etcd, -(node.index() - 1)); // the node's own member first, as the chart deploys it
    String yaml = """
        node: "%s"
        mode: "observe"
        floatingIp: {name: "%s"}
        hcloud:
          endpoint: "%s"
          metadataUrl: "%s"
          tokenFile: "%s"
          actionPollInterval: "200ms"
        etcd:
          endpoints: [%s]
          prefix: "/fipkeeper"
          leaseTtl: "%ds"
        interface: "eth0"
        binder: "ip"
        apiserver: {url: "%s", interval: "500ms", failureThreshold: 2, insecureSkipVerify: true}
        handoverTimeout: "5s"
        http: {listen: "0.0.0.0:%d"}
        log: {format: "plain", level: "info"}
        """.formatted(node.name(), Testbed.FLOATING_IP_NAME, bed.sim().apiUrl(), bed.sim().metadataUrl(node.name()),
        tokenFile, String.join(", ", etcd.stream().map(e -> "\"" + e + "\"").toList()), leaseTtl.toSeconds(),
        bed.apiserver(node.index()).url(), HTTP_PORT);
    try {
      Files.writeString(config, yaml);
    } catch (IOException e) {
      throw new TestbedException("cannot write " + config + ": " + e.getMessage(), e);
    }
  }

  /** Writes the token file the observers share, readable by the owner only. */
  static void writeToken(Path file, String token) {
    try {
      Files.deleteIfExists(file);
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, token + "\n");
    } catch (IOException e) {
      throw new TestbedException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  Node node() {
    return node;
  }

  Path log() {
    return log;
  }

  /** Starts the JVM (a no-op while it runs) and waits until {@code /status} answers. */
  void start(Duration timeout) {
    if (process != null && process.isAlive()) {
      return;
    }
    if (!Files.isRegularFile(jar)) {
      throw new TestbedException("agent jar missing: " + jar + " (build it: ./mvnw -q -DskipTests package)");
    }
    List<String> argv = node.command(List.of(KeepalivedFleet.javaCommand(), "-Xmx64m", "-XX:+UseSerialGC",
        "-jar", jar.toString(), "run", "--config", config.toString()));
    process = ManagedProcess.start("observer-" + node.name(), argv, Map.of("MALLOC_ARENA_MAX", "1"), log);
    Await.until("observer on " + node.name() + " serving /status", timeout, () -> {
      if (!process.isAlive()) {
        throw new TestbedException("observer on " + node.name() + " exited:\n" + process.tail(10));
      }
      return status().isPresent();
    });
  }

  /** {@code /status}, or empty when the agent does not answer. */
  Optional<JsonNode> status() {
    return http.tryGetJson("http://" + node.address() + ":" + HTTP_PORT + "/status");
  }

  /** Whether {@code /status} answers and says the agent observes and would hold the IP. */
  boolean wouldHold() {
    return status().map(s -> "observe".equals(s.path("mode").asText()) && s.path("wouldHold").asBoolean(false))
        .orElse(false);
  }

  /** Whether it answers, observes and campaigns behind another would-be holder. */
  boolean campaigning() {
    return status().map(s -> "observe".equals(s.path("mode").asText()) && "CAMPAIGNING".equals(s.path("state").asText()))
        .orElse(false);
  }

  void sigkill() {
    if (process != null) {
      process.sigkill();
    }
  }

  /** Graceful stop (resign, revoke), bounded; SIGKILL after it. */
  void stop() {
    if (process != null) {
      process.stop(Duration.ofSeconds(15));
    }
  }

  String tail(int lines) {
    return process == null ? "(never started)" : process.tail(lines);
  }

  @Override
  public void close() {
    stop();
  }
}
