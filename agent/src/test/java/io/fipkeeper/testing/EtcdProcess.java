package io.fipkeeper.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * etcd as a local child process (Debian's {@code /usr/bin/etcd}) on free loopback ports, with its data dir and log
 * in a temp dir. {@link #stop()}/{@link #kill()} keep ports and data dir; pause and resume are SIGSTOP/SIGCONT; the
 * process is killed by {@link #close()} or, as a last resort, by a JVM shutdown hook. One process is a single-member
 * cluster ({@link #launch}) or one member of a cluster started together ({@link #launchCluster}).
 */
final class EtcdProcess implements EtcdBackend {

  private static final long STOP_DEADLINE_SECONDS = 10;
  private static final int LOG_TAIL_LINES = 30;

  private final Path binary;
  private final EtcdServerTls tls;
  private final Path dir;
  private final Path dataDir;
  private final Path logFile;
  private final String name;
  /** {@code --initial-cluster}: every member's name and peer URL. */
  private final String initialCluster;
  private final int clientPort;
  private final int peerPort;
  private final int metricsPort;
  private final EtcdHealth health;
  private final Thread shutdownHook;

  // Written only from the JUnit thread; the shutdown hook reads process once.
  private volatile Process process;
  private boolean paused;
  private boolean closed;

  private EtcdProcess(Path binary, EtcdServerTls tls) throws IOException {
    this(binary, tls, "etcd-" + UUID.randomUUID().toString().substring(0, 8), FreePorts.distinct(3), null);
  }

  /** @param initialCluster the cluster this member starts in, or null for a cluster of this one member */
  private EtcdProcess(Path binary, EtcdServerTls tls, String name, int[] ports, String initialCluster)
      throws IOException {
    this.binary = binary;
    this.tls = tls;
    this.dir = Files.createTempDirectory("fipkeeper-etcd-");
    this.dataDir = dir.resolve("data");
    this.logFile = dir.resolve("etcd.log");
    this.name = name;
    this.clientPort = ports[0];
    this.peerPort = ports[1];
    this.metricsPort = ports[2];
    this.initialCluster = initialCluster != null ? initialCluster : name + "=" + peerUrl();
    this.health = new EtcdHealth(healthBase(), EtcdHealth.START_DEADLINE);
    this.shutdownHook = new Thread(this::killQuietly, "etcd-extension-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** Starts a fresh etcd; once more on fresh ports when another process took one between probing and binding. */
  static EtcdProcess launch(Path binary, EtcdServerTls tls) throws IOException {
    EtcdProcess etcd = new EtcdProcess(binary, tls);
    try {
      etcd.start();
      return etcd;
    } catch (IllegalStateException e) {
      boolean portTaken = etcd.logTail().contains("address already in use");
      etcd.close();
      if (!portTaken) {
        throw e;
      }
    }
    EtcdProcess again = new EtcdProcess(binary, tls);
    try {
      again.start();
      return again;
    } catch (RuntimeException e) {
      again.close();
      throw e;
    }
  }

  /**
   * Starts {@code size} members of one fresh cluster (plain HTTP) and returns once every one is healthy (which needs a
   * quorum, so all are launched before any is waited for); once more on fresh ports when a port was taken.
   */
  static List<EtcdProcess> launchCluster(Path binary, int size) throws IOException {
    try {
      return startCluster(binary, size);
    } catch (PortTaken e) {
      return startCluster(binary, size);
    }
  }

  private static final class PortTaken extends IOException {
    PortTaken(String message) {
      super(message);
    }
  }

  private static List<EtcdProcess> startCluster(Path binary, int size) throws IOException {
    int[] ports = FreePorts.distinct(3 * size);
    String token = "cluster-" + UUID.randomUUID().toString().substring(0, 8);
    List<String> peers = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      peers.add(token + "-" + i + "=http://127.0.0.1:" + ports[3 * i + 1]);
    }
    List<EtcdProcess> members = new ArrayList<>();
    try {
      for (int i = 0; i < size; i++) {
        members.add(new EtcdProcess(binary, null, token + "-" + i,
            new int[] {ports[3 * i], ports[3 * i + 1], ports[3 * i + 2]}, String.join(",", peers)));
      }
      members.forEach(EtcdProcess::launchProcess);
      for (EtcdProcess m : members) {
        m.awaitHealthy();
      }
      return members;
    } catch (RuntimeException e) {
      boolean portTaken = members.stream().anyMatch(m -> m.logTail().contains("address already in use"));
      members.forEach(EtcdProcess::close);
      if (portTaken) {
        throw new PortTaken(e.getMessage());
      }
      throw e;
    }
  }

  @Override
  public String endpoint() {
    return (tls == null ? "http" : "https") + "://127.0.0.1:" + clientPort;
  }

  @Override
  public synchronized void start() {
    launchProcess();
    awaitHealthy();
  }

  private synchronized void launchProcess() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("etcd is already running on " + endpoint());
    }
    List<String> command = new ArrayList<>(List.of(
        binary.toString(),
        "--name", name,
        "--data-dir", dataDir.toString(),
        "--listen-client-urls", endpoint(),
        "--advertise-client-urls", endpoint(),
        "--listen-peer-urls", peerUrl(),
        "--initial-advertise-peer-urls", peerUrl(),
        "--initial-cluster", initialCluster,
        "--initial-cluster-state", "new",
        // the first member's name: the same for every member of one cluster, unique across clusters
        "--initial-cluster-token", initialCluster.substring(0, initialCluster.indexOf('=')),
        // a fast heartbeat keeps leader election of the single member quick after a restart
        "--heartbeat-interval", "50",
        "--election-timeout", "500"));
    if (tls != null) {
      command.addAll(List.of(
          "--cert-file", tls.serverCert().toString(),
          "--key-file", tls.serverKey().toString(),
          "--trusted-ca-file", tls.ca().toString(),
          "--client-cert-auth",
          "--listen-metrics-urls", healthBase()));
    }
    try {
      process = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + binary, e);
    }
    paused = false;
  }

  private void awaitHealthy() {
    Process started = process;
    health.await(() -> started.isAlive() ? null : "exited with code " + started.exitValue(), this::logTail);
  }

  /** SIGTERM, wait for exit (SIGKILL after {@value #STOP_DEADLINE_SECONDS} s). */
  @Override
  public synchronized void stop() {
    Process p = process;
    if (p == null || !p.isAlive()) {
      return;
    }
    if (paused) {
      resume(); // a stopped process cannot act on SIGTERM
    }
    p.destroy();
    try {
      if (!p.waitFor(STOP_DEADLINE_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(STOP_DEADLINE_SECONDS, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public synchronized void kill() {
    Process p = process;
    if (p == null || !p.isAlive()) {
      return;
    }
    p.destroyForcibly();
    paused = false;
    try {
      p.waitFor(STOP_DEADLINE_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** SIGSTOP: the process keeps its sockets but answers nothing, like a hung etcd. */
  @Override
  public synchronized void pause() {
    signal("STOP");
    paused = true;
  }

  /** SIGCONT. */
  @Override
  public synchronized void resume() {
    signal("CONT");
    paused = false;
  }

  @Override
  public boolean isRunning() {
    Process p = process;
    return p != null && p.isAlive() && !paused;
  }

  @Override
  public boolean isPaused() {
    return paused;
  }

  @Override
  public String logTail() {
    try {
      List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    } catch (IOException | RuntimeException e) {
      return "(no etcd log: " + e + ")";
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    killQuietly();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // the hook runs anyway
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException | UncheckedIOException ignored) {
      // a temp dir left behind is harmless
    }
    process = null;
  }

  private void signal(String signal) {
    Process p = process;
    if (p == null || !p.isAlive()) {
      throw new IllegalStateException("etcd is not running");
    }
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start();
      if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + signal + " " + p.pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private void killQuietly() {
    Process p = process;
    if (p != null && p.isAlive()) {
      p.destroyForcibly(); // SIGKILL also ends a SIGSTOPped process
      try {
        p.waitFor(STOP_DEADLINE_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Where {@code /health} answers over plain HTTP: the client URL, or the metrics URL when clients need TLS. */
  private String healthBase() {
    return tls == null ? endpoint() : "http://127.0.0.1:" + metricsPort;
  }

  private String peerUrl() {
    return "http://127.0.0.1:" + peerPort;
  }
}
