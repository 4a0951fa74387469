package io.fipkeeper.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real single-member etcd (Debian's {@code /usr/bin/etcd}) on free loopback ports, shared by one test class.
 *
 * <p>Register it as a static field so it lives for the whole class:
 * <pre>{@code @RegisterExtension static final EtcdExtension etcd = new EtcdExtension();}</pre>
 *
 * <p>Guarantees: {@link #endpoints()} answers {@code GET /health} with {@code "health":"true"} once a start
 * returns (no fixed sleeps: it polls with a short backoff up to a deadline and fails with the tail of etcd's log);
 * {@link #stop()}/{@link #start()} keep the ports and the data dir, so a restart looks like the same etcd to
 * clients; after each test a paused or stopped etcd is brought back so the next test starts from a healthy
 * server; the process is always killed at the end of the class and, as a last resort, by a JVM shutdown hook.
 * When the binary is missing the class is skipped (not failed) with the install hint.
 */
public final class EtcdExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

  /** Where Debian's etcd-server package installs the binary; {@code FIPKEEPER_ETCD_BINARY} overrides it. */
  public static final Path DEFAULT_BINARY = Path.of("/usr/bin/etcd");

  private static final Duration START_DEADLINE = Duration.ofSeconds(30);
  private static final long STOP_DEADLINE_SECONDS = 10;
  private static final int LOG_TAIL_LINES = 30;

  private final Path binary;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).version(HttpClient.Version.HTTP_1_1).build();

  // Written only from the JUnit thread; the shutdown hook reads process once.
  private volatile Process process;
  private Path dir;
  private Path dataDir;
  private Path logFile;
  private String name;
  private int clientPort;
  private int peerPort;
  private boolean paused;
  private boolean perTest;
  private TestCertificates tls;
  private int metricsPort;
  private Thread shutdownHook;

  public EtcdExtension() {
    String override = System.getenv("FIPKEEPER_ETCD_BINARY");
    this.binary = override == null || override.isBlank() ? DEFAULT_BINARY : Path.of(override);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    startOnce();
  }

  /** Also covers registration on an instance field: etcd then lives for one test. */
  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    if (process == null) {
      startOnce();
      perTest = true;
    }
  }

  /** A test that stopped or paused etcd must not leave the next test without one. */
  @Override
  public void afterEach(ExtensionContext context) {
    if (perTest) {
      destroy();
      return;
    }
    if (paused) {
      resume();
    }
    if (process != null && !process.isAlive()) {
      start();
    }
  }

  private void startOnce() throws IOException {
    Assumptions.assumeTrue(
        Files.isExecutable(binary), "etcd binary not found at " + binary + ": apt-get install etcd-server");
    if (process != null) {
      return;
    }
    init();
    try {
      start();
    } catch (IllegalStateException e) {
      if (!logTail().contains("address already in use")) {
        throw e;
      }
      // another process took a port between probing and etcd's bind: once more on fresh ports
      destroy();
      init();
      start();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    destroy();
  }

  /**
   * Serve clients over TLS with {@code pki}'s server certificate and require client certificates signed by its CA
   * ({@code --client-cert-auth}); health is then probed on a plain-HTTP metrics URL.
   */
  public EtcdExtension withTls(TestCertificates pki) {
    if (process != null) {
      throw new IllegalStateException("withTls must be called before etcd starts");
    }
    this.tls = pki;
    return this;
  }

  /** The client URL, e.g. {@code http://127.0.0.1:40123} ({@code https} with {@link #withTls}). */
  public String endpoint() {
    return (tls == null ? "http" : "https") + "://127.0.0.1:" + clientPort;
  }

  /** Client URLs for jetcd's {@code Client.builder().endpoints(...)}. */
  public List<URI> endpoints() {
    return List.of(URI.create(endpoint()));
  }

  public int clientPort() {
    return clientPort;
  }

  /** A fresh key prefix such as {@code /fipkeeper-test/3f9a0c12} so tests sharing this etcd never see each other. */
  public static String randomPrefix() {
    byte[] bytes = new byte[4];
    ThreadLocalRandom.current().nextBytes(bytes);
    return "/fipkeeper-test/" + HexFormat.of().formatHex(bytes);
  }

  /** Starts etcd (again) on the same ports and data dir, and returns once it reports healthy. */
  public synchronized void start() {
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
        "--initial-cluster", name + "=" + peerUrl(),
        "--initial-cluster-state", "new",
        "--initial-cluster-token", name,
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
    awaitHealthy();
  }

  /** SIGTERM, wait for exit (SIGKILL after {@value #STOP_DEADLINE_SECONDS} s); keeps ports and data dir for {@link #start()}. */
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

  /** SIGKILL (a crash); keeps ports and data dir for {@link #start()}. */
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
  public synchronized void pause() {
    signal("STOP");
    paused = true;
  }

  /** SIGCONT after {@link #pause()}. */
  public synchronized void resume() {
    signal("CONT");
    paused = false;
  }

  public boolean isRunning() {
    Process p = process;
    return p != null && p.isAlive() && !paused;
  }

  /** The last lines etcd printed, for failure messages. */
  public String logTail() {
    try {
      List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    } catch (IOException | RuntimeException e) {
      return "(no etcd log: " + e + ")";
    }
  }

  private void init() throws IOException {
    dir = Files.createTempDirectory("fipkeeper-etcd-");
    dataDir = dir.resolve("data");
    logFile = dir.resolve("etcd.log");
    name = "etcd-" + UUID.randomUUID().toString().substring(0, 8);
    clientPort = freePort();
    do {
      peerPort = freePort();
    } while (peerPort == clientPort);
    do {
      metricsPort = freePort();
    } while (metricsPort == clientPort || metricsPort == peerPort);
    shutdownHook = new Thread(this::killQuietly, "etcd-extension-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  private void awaitHealthy() {
    long deadline = System.nanoTime() + START_DEADLINE.toNanos();
    long backoffMillis = 10;
    String last = "no answer yet";
    HttpRequest request = HttpRequest.newBuilder(URI.create(healthBase() + "/health")).timeout(Duration.ofSeconds(1)).GET().build();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "etcd exited with code " + process.exitValue() + " before becoming healthy; log tail:\n" + logTail());
      }
      try {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200 && response.body().replace(" ", "").contains("\"health\":\"true\"")) {
          return;
        }
        last = "HTTP " + response.statusCode() + " " + response.body();
      } catch (IOException e) {
        last = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for etcd", e);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(backoffMillis));
      backoffMillis = Math.min(200, backoffMillis * 2);
    }
    throw new IllegalStateException("etcd on " + healthBase() + " not healthy after " + START_DEADLINE.toSeconds()
        + " s (last: " + last + "); log tail:\n" + logTail());
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

  private synchronized void destroy() {
    killQuietly();
    if (shutdownHook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException alreadyShuttingDown) {
        // the hook runs anyway
      }
      shutdownHook = null;
    }
    if (dir != null) {
      try (Stream<Path> paths = Files.walk(dir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      } catch (IOException | UncheckedIOException ignored) {
        // a temp dir left behind is harmless
      }
    }
    process = null;
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

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }
}
