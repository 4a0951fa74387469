package io.fipkeeper.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real etcd cluster of several members (Debian's {@code /usr/bin/etcd} as child processes, plain HTTP on free
 * loopback ports), shared by one test class: what an agent meets on a control plane, where it prefers its own node's
 * member and falls back to the others.
 *
 * <pre>{@code @RegisterExtension static final EtcdCluster etcd = new EtcdCluster(3);}</pre>
 *
 * <p>Guarantees: every member answers {@code GET /health} with {@code "health":"true"} once the class starts (a
 * quorum is formed); {@link #stop(int)}, {@link #kill(int)} and {@link #start(int)} keep a member's endpoint and data,
 * so a restarted member rejoins as itself; after each test every paused member is resumed and every stopped one
 * started again; all are killed at the end of the class. Only the process backend: the class is skipped when the etcd binary is missing (the
 * single-member {@link EtcdExtension} has the container fallback).
 */
public final class EtcdCluster implements BeforeAllCallback, AfterAllCallback, AfterEachCallback {

  private final int size;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).version(HttpClient.Version.HTTP_1_1).build();
  private List<EtcdProcess> members;

  /** @param size number of members, at least 3 for a cluster that survives the loss of one */
  public EtcdCluster(int size) {
    if (size < 1) {
      throw new IllegalArgumentException("size: at least one member, got " + size);
    }
    this.size = size;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    String configured = Optional.ofNullable(System.getenv(EtcdBackendChoice.BINARY_VAR)).filter(s -> !s.isBlank())
        .orElse(EtcdExtension.DEFAULT_BINARY.toString());
    java.nio.file.Path binary = java.nio.file.Path.of(configured.trim());
    Assumptions.assumeTrue(Files.isExecutable(binary),
        "etcd binary not found at " + binary + ": apt-get install etcd-server");
    members = EtcdProcess.launchCluster(binary, size);
  }

  /** A test that stopped a member must not leave the next test with a smaller cluster. */
  @Override
  public void afterEach(ExtensionContext context) {
    if (members == null) {
      return;
    }
    for (EtcdProcess m : members) {
      if (m.isPaused()) {
        m.resume();
      }
    }
    for (int i = 0; i < members.size(); i++) {
      if (!members.get(i).isRunning()) {
        start(i);
      }
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (members != null) {
      members.forEach(EtcdProcess::close);
      members = null;
    }
  }

  /** Every member's client URL, in member order. */
  public List<URI> endpoints() {
    return running().stream().map(m -> URI.create(m.endpoint())).toList();
  }

  /** Member {@code i}'s client URL (0-based). */
  public URI endpoint(int i) {
    return URI.create(member(i).endpoint());
  }

  /** The client URLs with member {@code first} first and the others after it in member order: an agent's list. */
  public List<URI> endpointsPreferring(int first) {
    List<URI> all = new java.util.ArrayList<>(endpoints());
    URI preferred = all.remove(first);
    all.add(0, preferred);
    return List.copyOf(all);
  }

  /** Graceful stop of member {@code i} (SIGTERM); keeps its data for {@link #start(int)}. */
  public synchronized void stop(int i) {
    member(i).stop();
  }

  /** SIGKILL of member {@code i}, like a crash. */
  public synchronized void kill(int i) {
    member(i).kill();
  }

  /** Freezes member {@code i} (SIGSTOP): its sockets stay open but it answers nothing, like a stalled member. */
  public synchronized void pause(int i) {
    member(i).pause();
  }

  /** Undoes {@link #pause(int)}. */
  public synchronized void resume(int i) {
    member(i).resume();
  }

  /** Starts member {@code i} again and returns once it is healthy (it rejoined the quorum). */
  public synchronized void start(int i) {
    member(i).start();
  }

  public boolean isRunning(int i) {
    return member(i).isRunning();
  }

  /**
   * The sum of member {@code i}'s Prometheus samples named {@code name} whose labels contain {@code labels} (e.g.
   * {@code grpc_method="LeaseKeepAlive"}); 0 when there are none. Counts what reached that very member, which is how
   * a test tells where a client's calls go.
   */
  public double metric(int i, String name, String labels) {
    return metricsOf(i).lines()
        .filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
        .filter(l -> labels.isEmpty() || l.contains(labels))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  private String metricsOf(int i) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(member(i).endpoint() + "/metrics"))
        .timeout(Duration.ofSeconds(2)).GET().build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read metrics of member " + i, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Member {@code i}'s raft member id (what etcd puts in every response header it sends). */
  public long memberId(int i) {
    String line = metricsOf(i).lines().filter(l -> l.startsWith("etcd_server_id{")).findFirst()
        .orElseThrow(() -> new IllegalStateException("member " + i + " exports no etcd_server_id"));
    int start = line.indexOf('"') + 1;
    return Long.parseUnsignedLong(line.substring(start, line.indexOf('"', start)), 16);
  }

  /** The member that is raft leader right now, -1 when no running member says it is. */
  public int leaderIndex() {
    for (int i = 0; i < size; i++) {
      if (isRunning(i) && metric(i, "etcd_server_is_leader", "") == 1) {
        return i;
      }
    }
    return -1;
  }

  /** Member {@code i}'s last log lines, for failure messages. */
  public String logTail(int i) {
    return member(i).logTail();
  }

  private EtcdProcess member(int i) {
    return running().get(i);
  }

  private List<EtcdProcess> running() {
    List<EtcdProcess> m = members;
    if (m == null) {
      throw new IllegalStateException("etcd cluster has not started: register EtcdCluster with @RegisterExtension");
    }
    return m;
  }
}
