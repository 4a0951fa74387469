package io.fipkeeper.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One fipkeeper agent as a real JVM on its node ({@code ip netns exec <ns> java -jar fipkeeper.jar run}),
 * configured by a generated YAML file, the token in its own file ({@code hcloud.tokenFile}, replaced atomically by
 * {@link #writeToken(String)} as kubelet replaces a mounted Secret), output in a log file. It can be restarted
 * after a kill with the same configuration, optionally under a {@link FakeClock}.
 */
public final class AgentProcess implements AutoCloseable {
  private static final Duration STOP_GRACE = Duration.ofSeconds(15);

  private final Node node;
  private final Path jar;
  private final List<String> launch;
  private final Path configFile;
  private final Path log;
  private final Path tokenFile;
  private final FakeClock clock;
  private final HttpJson http = new HttpJson();
  private volatile ManagedProcess process;

  /**
   * @param launch JVM arguments that select the program, normally {@code -jar <jar>}; a stand-in agent can
   *     use {@code -cp <classpath> <main class>}
   */
  public AgentProcess(Node node, Path jar, List<String> launch, AgentConfig config, String token, Path workDir) {
    this(node, jar, launch, config, token, workDir, null);
  }

  /** @param clock the wall clock the agent runs under, or null for the true one */
  public AgentProcess(Node node, Path jar, List<String> launch, AgentConfig config, String token, Path workDir,
      FakeClock clock) {
    this.node = node;
    this.jar = jar;
    this.launch = List.copyOf(launch);
    this.clock = clock;
    this.configFile = workDir.resolve("agent-" + node.name() + ".yaml");
    this.log = workDir.resolve("agent-" + node.name() + ".log");
    this.tokenFile = Path.of(config.tokenFile());
    try {
      Files.createDirectories(workDir);
      Files.writeString(configFile, config.toYaml());
    } catch (IOException e) {
      throw new TestbedException("cannot write agent config " + configFile + ": " + e.getMessage(), e);
    }
    writeToken(token);
  }

  /** The path for a node's token file in a work dir. */
  public static Path tokenFile(Path workDir, Node node) {
    return workDir.resolve("agent-" + node.name() + ".token");
  }

  /** Replaces the token file's content atomically (write, then rename), readable by the owner only. */
  public void writeToken(String token) {
    try {
      Path tmp = tokenFile.resolveSibling(tokenFile.getFileName() + ".tmp");
      Files.deleteIfExists(tmp);
      Files.createFile(tmp, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
          java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
      Files.writeString(tmp, token + "\n");
      Files.move(tmp, tokenFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new TestbedException("cannot write token file " + tokenFile + ": " + e.getMessage(), e);
    }
  }

  /** The agent's clock, when it runs under one. */
  public java.util.Optional<FakeClock> clock() {
    return java.util.Optional.ofNullable(clock);
  }

  /** Starts the JVM; a no-op if it is already running. */
  public AgentProcess start() {
    if (jar != null && !Files.isRegularFile(jar)) {
      throw new TestbedException("agent jar missing: " + jar + " (build it: ./mvnw -q -DskipTests package)");
    }
    if (process != null && process.isAlive()) {
      return this;
    }
    // as the chart runs it (the image's JVM flags); Testbed adds the AppCDS archive to the launch
    List<String> java = new ArrayList<>(List.of(JavaCommand.java()));
    java.addAll(AgentJvm.CHART_OPTIONS);
    java.addAll(launch);
    java.addAll(List.of("run", "--config", configFile.toString()));
    List<String> argv = node.command(java);
    // one malloc arena: the agent's threads allocate little natively, and each extra arena costs resident memory
    Map<String, String> env = new java.util.HashMap<>(Map.of("MALLOC_ARENA_MAX", "1"));
    if (clock != null) {
      env.putAll(clock.environment());
    }
    process = ManagedProcess.start("agent-" + node.name(), argv, env, log);
    return this;
  }

  /** Waits until {@code /status} answers (the agent is up, whatever its state). */
  public AgentProcess waitServing(Duration timeout) {
    Await.until("agent " + node.name() + " serving " + statusUrl(), timeout, () -> {
      if (!isAlive()) {
        throw new TestbedException("agent " + node.name() + " exited:\n" + process.tail(10));
      }
      return status().isPresent();
    });
    return this;
  }

  /** Current {@code /status}, or empty when the agent does not answer. */
  public Optional<AgentStatus> status() {
    return http.tryGetJson(statusUrl()).map(AgentStatus::from);
  }

  /** The Prometheus text of {@code /metrics}, or empty when the agent does not answer. */
  public Optional<String> metrics() {
    try {
      HttpJson.Response r = http.get(node.httpUrl() + "/metrics");
      return r.status() == 200 ? Optional.of(r.body()) : Optional.empty();
    } catch (TestbedException e) {
      return Optional.empty();
    }
  }

  public String statusUrl() {
    return node.httpUrl() + "/status";
  }

  /** A crash: SIGKILL, no handover. */
  public void sigkill() {
    if (process != null) {
      process.sigkill();
    }
  }

  /** Freezes the JVM (SIGSTOP). */
  public void pause() {
    if (process != null) {
      process.pause();
    }
  }

  /** Thaws it (SIGCONT). */
  public void resume() {
    if (process != null) {
      process.resume();
    }
  }

  /** Graceful shutdown request; returns at once. */
  public void sigterm() {
    if (process != null) {
      process.sigterm();
    }
  }

  /** Waits for exit after a SIGTERM; returns the exit code or empty if still running. */
  public Optional<Integer> waitExit(Duration timeout) {
    return process == null ? Optional.of(0) : process.waitFor(timeout);
  }

  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** VmRSS in KiB, -1 when not running. */
  public long rssKib() {
    return process == null ? -1 : process.rssKib();
  }

  /** The last lines of the agent's log. */
  public String tail(int lines) {
    return process == null ? "(never started)" : process.tail(lines);
  }

  public Node node() {
    return node;
  }

  public Path log() {
    return log;
  }

  public Path configFile() {
    return configFile;
  }

  @Override
  public void close() {
    if (process != null) {
      process.stop(STOP_GRACE);
    }
  }
}
