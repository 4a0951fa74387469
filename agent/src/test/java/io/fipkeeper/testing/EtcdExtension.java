package io.fipkeeper.testing;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

/**
 * A real single-member etcd on free loopback ports, shared by one test class.
 *
 * <p>Register it as a static field so it lives for the whole class:
 * <pre>{@code @RegisterExtension static final EtcdExtension etcd = new EtcdExtension();}</pre>
 *
 * <p>Where etcd comes from ({@link EtcdBackendChoice} has the exact rule): Debian's {@code /usr/bin/etcd} (or
 * {@code FIPKEEPER_ETCD_BINARY}) as a child process ({@link EtcdProcess}) when it exists; otherwise, when a Docker
 * engine answers, the official image in a Testcontainers container ({@link EtcdContainer}, image overridable with
 * {@code FIPKEEPER_ETCD_IMAGE}); otherwise the class is skipped (not failed) with the install hint.
 * {@code FIPKEEPER_ETCD_BACKEND=process|container} forces one and fails the class when it is not available.
 *
 * <p>Guarantees, whichever backend: {@link #endpoints()} answers {@code GET /health} with {@code "health":"true"}
 * once a start returns (no fixed sleeps: it polls with a short backoff up to a deadline and fails with the tail of
 * etcd's log); {@link #stop()}/{@link #kill()} and {@link #start()} keep the endpoint and the data, so a restart
 * looks like the same etcd to clients; after each test a paused or stopped etcd is brought back so the next test
 * starts from a healthy server; etcd is always killed at the end of the class (and, for the process, by a JVM
 * shutdown hook; for the container, by Testcontainers' reaper).
 */
public final class EtcdExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

  /** Where Debian's etcd-server package installs the binary; {@code FIPKEEPER_ETCD_BINARY} overrides it. */
  public static final Path DEFAULT_BINARY = Path.of("/usr/bin/etcd");

  private final Function<String, String> env;
  private final Predicate<Path> binaryUsable;
  private final BooleanSupplier dockerAvailable;

  private EtcdBackend backend;
  private EtcdBackendChoice.Kind kind;
  private boolean perTest;
  private EtcdServerTls tls;

  public EtcdExtension() {
    this(System::getenv, Files::isExecutable, () -> DockerClientFactory.instance().isDockerAvailable());
  }

  /** With the environment and both probes injected, for testing the choice of backend. */
  EtcdExtension(Function<String, String> env, Predicate<Path> binaryUsable, BooleanSupplier dockerAvailable) {
    this.env = env;
    this.binaryUsable = binaryUsable;
    this.dockerAvailable = dockerAvailable;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    startOnce();
  }

  /** Also covers registration on an instance field: etcd then lives for one test. */
  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    if (backend == null) {
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
    if (backend == null) {
      return;
    }
    if (backend.isPaused()) {
      backend.resume();
    }
    if (!backend.isRunning()) {
      backend.start();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    destroy();
  }

  private void startOnce() throws IOException {
    if (backend != null) {
      return;
    }
    EtcdBackendChoice choice = EtcdBackendChoice.decide(env, binaryUsable, dockerAvailable);
    switch (choice.kind()) {
      case PROCESS -> backend = EtcdProcess.launch(choice.binary(), tls);
      case CONTAINER -> backend = EtcdContainer.launch(choice.image(), tls);
      case SKIP -> Assumptions.abort(choice.reason());
      case FAIL -> throw new IllegalStateException(choice.reason());
    }
    kind = choice.kind();
  }

  /**
   * Serve clients over TLS with {@code pki}'s server certificate and require client certificates signed by its CA
   * ({@code --client-cert-auth}); health is then probed on a plain-HTTP metrics URL.
   */
  public EtcdExtension withTls(EtcdServerTls pki) {
    if (backend != null) {
      throw new IllegalStateException("withTls must be called before etcd starts");
    }
    this.tls = pki;
    return this;
  }

  /** The client URL, e.g. {@code http://127.0.0.1:40123} ({@code https} with {@link #withTls}). */
  public String endpoint() {
    return running().endpoint();
  }

  /** Client URLs for jetcd's {@code Client.builder().endpoints(...)}. */
  public List<URI> endpoints() {
    return List.of(URI.create(endpoint()));
  }

  public int clientPort() {
    return URI.create(endpoint()).getPort();
  }

  /** {@code "process"} or {@code "container"}: where this etcd runs, for test names and failure messages. */
  public String backend() {
    running();
    return kind.name().toLowerCase(Locale.ROOT);
  }

  /** A fresh key prefix such as {@code /fipkeeper-test/3f9a0c12} so tests sharing this etcd never see each other. */
  public static String randomPrefix() {
    byte[] bytes = new byte[4];
    ThreadLocalRandom.current().nextBytes(bytes);
    return "/fipkeeper-test/" + HexFormat.of().formatHex(bytes);
  }

  /** Starts etcd again on the same endpoint and data, and returns once it reports healthy. */
  public synchronized void start() {
    running().start();
  }

  /** Graceful stop (SIGTERM, SIGKILL after 10 s); keeps endpoint and data for {@link #start()}. */
  public synchronized void stop() {
    running().stop();
  }

  /** SIGKILL (a crash); keeps endpoint and data for {@link #start()}. */
  public synchronized void kill() {
    running().kill();
  }

  /** Freezes etcd (SIGSTOP, or Docker pause): it keeps its socket but answers nothing, like a hung etcd. */
  public synchronized void pause() {
    running().pause();
  }

  /** Undoes {@link #pause()}. */
  public synchronized void resume() {
    running().resume();
  }

  public boolean isRunning() {
    EtcdBackend b = backend;
    return b != null && b.isRunning();
  }

  /** The last lines etcd printed, for failure messages. */
  public String logTail() {
    EtcdBackend b = backend;
    return b == null ? "(etcd not started)" : b.logTail();
  }

  private EtcdBackend running() {
    EtcdBackend b = backend;
    if (b == null) {
      throw new IllegalStateException("etcd has not started: register EtcdExtension with @RegisterExtension");
    }
    return b;
  }

  private synchronized void destroy() {
    EtcdBackend b = backend;
    backend = null;
    if (b != null) {
      b.close();
    }
  }
}
