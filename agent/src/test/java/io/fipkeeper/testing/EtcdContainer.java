package io.fipkeeper.testing;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.containers.wait.strategy.WaitStrategy;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * etcd in a Docker container (the official image), for machines without the Debian binary; driven through
 * Testcontainers and its Docker client.
 *
 * <p>The client (and, with TLS, the plain-HTTP metrics) port is bound to a fixed host port picked with
 * {@link FreePorts} rather than a random mapping, so {@link #stop()}/{@link #kill()} and {@link #start()} (Docker
 * stop/kill/start of the same container, whose filesystem holds the data dir) keep the endpoint and the data.
 * {@link #pause()} is Docker's cgroup freeze: the published port still accepts connections but nothing answers.
 * TLS copies the test certificates into the container. The container is removed by {@link #close()}, and by
 * Testcontainers' reaper should the JVM die first.
 */
final class EtcdContainer implements EtcdBackend {

  /** The official image; {@code FIPKEEPER_ETCD_IMAGE} overrides it. */
  static final String DEFAULT_IMAGE = "quay.io/coreos/etcd:v3.5.17";

  private static final int CLIENT_PORT = 2379;
  private static final int PEER_PORT = 2380;
  private static final int METRICS_PORT = 2381;
  private static final String CERTS = "/etc/fipkeeper-etcd-tls/";
  private static final int STOP_TIMEOUT_SECONDS = 10;
  private static final int LOG_TAIL_LINES = 30;

  private final GenericContainer<?> container;
  private final EtcdServerTls tls;
  private final String host;
  private final int hostClientPort;
  private final EtcdHealth health;
  private boolean closed;

  private EtcdContainer(String image, EtcdServerTls tls) {
    this.tls = tls;
    int[] ports = FreePorts.distinct(2);
    this.hostClientPort = ports[0];
    int hostMetricsPort = ports[1];
    // Testcontainers names the Docker host "localhost" for a local engine; clients and the certificate use 127.0.0.1
    String dockerHost = DockerClientFactory.instance().dockerHostIpAddress();
    boolean local = dockerHost.equals("localhost") || dockerHost.equals("127.0.0.1");
    this.host = local ? "127.0.0.1" : dockerHost;
    String bindIp = local ? "127.0.0.1" : "0.0.0.0";
    this.health = new EtcdHealth(
        "http://" + host + ":" + (tls == null ? hostClientPort : hostMetricsPort), EtcdHealth.START_DEADLINE);

    String scheme = tls == null ? "http" : "https";
    List<String> command = new ArrayList<>(List.of(
        "etcd",
        "--name", "fipkeeper-test",
        "--data-dir", "/var/lib/etcd-data",
        "--listen-client-urls", scheme + "://0.0.0.0:" + CLIENT_PORT,
        "--advertise-client-urls", scheme + "://" + host + ":" + hostClientPort,
        "--listen-peer-urls", "http://127.0.0.1:" + PEER_PORT,
        "--initial-advertise-peer-urls", "http://127.0.0.1:" + PEER_PORT,
        "--initial-cluster", "fipkeeper-test=http://127.0.0.1:" + PEER_PORT,
        "--initial-cluster-state", "new",
        "--heartbeat-interval", "50",
        "--election-timeout", "500"));
    GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(image));
    List<PortBinding> bindings = new ArrayList<>();
    bindings.add(new PortBinding(Ports.Binding.bindIpAndPort(bindIp, hostClientPort), ExposedPort.tcp(CLIENT_PORT)));
    if (tls == null) {
      c.withExposedPorts(CLIENT_PORT).waitingFor(healthWait(CLIENT_PORT));
    } else {
      command.addAll(List.of(
          "--cert-file", CERTS + "server.crt",
          "--key-file", CERTS + "server.key",
          "--trusted-ca-file", CERTS + "ca.crt",
          "--client-cert-auth",
          "--listen-metrics-urls", "http://0.0.0.0:" + METRICS_PORT));
      bindings.add(new PortBinding(Ports.Binding.bindIpAndPort(bindIp, hostMetricsPort), ExposedPort.tcp(METRICS_PORT)));
      c.withExposedPorts(CLIENT_PORT, METRICS_PORT)
          .waitingFor(healthWait(METRICS_PORT))
          .withCopyFileToContainer(readable(tls.serverCert()), CERTS + "server.crt")
          .withCopyFileToContainer(readable(tls.serverKey()), CERTS + "server.key")
          .withCopyFileToContainer(readable(tls.ca()), CERTS + "ca.crt");
    }
    c.withCommand(command.toArray(String[]::new))
        // fixed host ports instead of Testcontainers' random ones: a restarted etcd must keep its endpoint
        .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withPortBindings(bindings.toArray(PortBinding[]::new)));
    this.container = c;
  }

  /** Creates and starts a fresh container; once more on fresh ports when a host port was taken meanwhile. */
  static EtcdContainer launch(String image, EtcdServerTls tls) {
    EtcdContainer etcd = new EtcdContainer(image, tls);
    try {
      etcd.container.start();
      return etcd;
    } catch (RuntimeException e) {
      etcd.close();
      if (!portTaken(e)) {
        throw e;
      }
    }
    EtcdContainer again = new EtcdContainer(image, tls);
    try {
      again.container.start();
      return again;
    } catch (RuntimeException e) {
      again.close();
      throw e;
    }
  }

  @Override
  public String endpoint() {
    return (tls == null ? "http" : "https") + "://" + host + ":" + hostClientPort;
  }

  @Override
  public synchronized void start() {
    InspectContainerResponse.ContainerState state = state();
    if (Boolean.TRUE.equals(state.getRunning())) {
      throw new IllegalStateException("etcd is already running on " + endpoint());
    }
    docker().startContainerCmd(container.getContainerId()).exec();
    health.await(this::exitReason, this::logTail);
  }

  @Override
  public synchronized void stop() {
    if (!Boolean.TRUE.equals(state().getRunning())) {
      return;
    }
    if (isPaused()) {
      resume(); // a frozen etcd cannot act on SIGTERM
    }
    docker().stopContainerCmd(container.getContainerId()).withTimeout(STOP_TIMEOUT_SECONDS).exec();
  }

  @Override
  public synchronized void kill() {
    if (!Boolean.TRUE.equals(state().getRunning())) {
      return;
    }
    // Docker delivers SIGKILL to a frozen container too and leaves it stopped, not paused
    docker().killContainerCmd(container.getContainerId()).exec();
  }

  @Override
  public synchronized void pause() {
    docker().pauseContainerCmd(container.getContainerId()).exec();
  }

  @Override
  public synchronized void resume() {
    docker().unpauseContainerCmd(container.getContainerId()).exec();
  }

  @Override
  public boolean isRunning() {
    InspectContainerResponse.ContainerState state = state();
    return Boolean.TRUE.equals(state.getRunning()) && !Boolean.TRUE.equals(state.getPaused());
  }

  @Override
  public boolean isPaused() {
    return Boolean.TRUE.equals(state().getPaused());
  }

  @Override
  public String logTail() {
    try {
      List<String> lines = container.getLogs().lines().toList();
      return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    } catch (RuntimeException e) {
      return "(no etcd log: " + e + ")";
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (container.getContainerId() != null && isPaused()) {
        resume();
      }
    } catch (RuntimeException ignored) {
      // removal below force-kills it anyway
    }
    container.stop(); // kills and removes the container with its data
  }

  private String exitReason() {
    InspectContainerResponse.ContainerState state = state();
    return Boolean.TRUE.equals(state.getRunning()) ? null : "container exited with code " + state.getExitCodeLong();
  }

  private InspectContainerResponse.ContainerState state() {
    return docker().inspectContainerCmd(container.getContainerId()).exec().getState();
  }

  private DockerClient docker() {
    return container.getDockerClient();
  }

  private static WaitStrategy healthWait(int port) {
    return Wait.forHttp("/health")
        .forPort(port)
        .forStatusCode(200)
        .forResponsePredicate(body -> body.replace(" ", "").contains("\"health\":\"true\""))
        .withStartupTimeout(EtcdHealth.START_DEADLINE);
  }

  private static MountableFile readable(Path file) {
    return MountableFile.forHostPath(file, 0644);
  }

  private static boolean portTaken(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
      if (message.contains("port is already allocated") || message.contains("address already in use")) {
        return true;
      }
    }
    return false;
  }
}
