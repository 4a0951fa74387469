package io.fipkeeper.e2e;

import static org.awaitility.Awaitility.await;

import io.fipkeeper.Agent;
import io.fipkeeper.Agent.AgentStartException;
import io.fipkeeper.config.AgentConfig;
import io.fipkeeper.config.ConfigException;
import io.fipkeeper.config.ConfigLoader;
import io.fipkeeper.hcloudsim.HcloudSimulator;
import io.fipkeeper.hcloudsim.RecordedCall;
import io.fipkeeper.leader.AgentSnapshot;
import io.fipkeeper.leader.State;
import io.fipkeeper.leader.port.AddressBinder;
import io.fipkeeper.net.RecordingBinder;
import io.fipkeeper.testing.EtcdExtension;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;

/**
 * N real agents against one simulated Hetzner project and the class's real etcd: each node gets its own server in
 * the simulator (its metadata URL tells the agent its id), its own fake apiserver, a fresh etcd prefix shared by
 * the cluster, a recording binder (or a real one) wrapped in an {@link ObservedBinder}, and an HTTP port picked by
 * the kernel. Timings are the production defaults shrunk for tests: lease TTL 2 s, probe every 100 ms, actions
 * polled every 100 ms. Closing the cluster crashes every agent still running (fast, and a fresh prefix per test
 * makes leftovers harmless) and stops the simulator.
 */
final class AgentCluster implements AutoCloseable {
  static final String FIP_NAME = "k8s-api";
  static final String FIP_ADDRESS = "203.0.113.10";

  /**
   * Knobs a test may change before adding nodes. {@code nextToken}, when set, is a second token the simulator
   * accepts (label {@code next}); {@code tokenFile} makes every node read its token from one file (see
   * {@link #rotateToken()}) instead of {@code HCLOUD_TOKEN}.
   */
  record Options(String token, Duration actionDuration, Duration handoverTimeout, Duration verifyInterval,
      Duration takeoverTimeout, String nextToken, boolean tokenFile) {
    static Options defaults() {
      return new Options("e2e-token-" + Long.toHexString(System.nanoTime()), Duration.ofMillis(500),
          Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(10), null, false);
    }

    Options withToken(String t) {
      return new Options(t, actionDuration, handoverTimeout, verifyInterval, takeoverTimeout, nextToken, tokenFile);
    }

    Options withHandoverTimeout(Duration d) {
      return new Options(token, actionDuration, d, verifyInterval, takeoverTimeout, nextToken, tokenFile);
    }

    Options withVerifyInterval(Duration d) {
      return new Options(token, actionDuration, handoverTimeout, d, takeoverTimeout, nextToken, tokenFile);
    }

    Options withTakeoverTimeout(Duration d) {
      return new Options(token, actionDuration, handoverTimeout, verifyInterval, d, nextToken, tokenFile);
    }

    /** Tokens from a file holding {@code token}; the simulator also accepts {@code next} (label "next"). */
    Options withTokenFileRotatingTo(String next) {
      return new Options(token, actionDuration, handoverTimeout, verifyInterval, takeoverTimeout, next, true);
    }
  }

  private final EtcdExtension etcd;
  private final Path dir;
  private final Options options;
  private final String prefix = EtcdExtension.randomPrefix();
  private final HcloudSimulator sim;
  private final long fipId;
  private final List<Node> nodes = new CopyOnWriteArrayList<>();

  AgentCluster(EtcdExtension etcd, Path dir, Options options) {
    this.etcd = etcd;
    this.dir = dir;
    this.options = options;
    HcloudSimulator.Builder simulator = HcloudSimulator.builder().port(0).token("default", options.token())
        .actionDuration(options.actionDuration());
    if (options.nextToken() != null) {
      simulator.token("next", options.nextToken());
    }
    this.sim = simulator.build().start();
    this.fipId = sim.createFloatingIp(FIP_NAME, FIP_ADDRESS, Map.of("role", "k8s-api"));
    if (options.tokenFile()) {
      try {
        Files.writeString(tokenFile(), options.token() + "\n");
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  /** The file every node reads its token from (with {@link Options#tokenFile()}). */
  Path tokenFile() {
    return dir.resolve("hcloud-token");
  }

  /**
   * Replaces the token file's content with the next token the way the kubelet updates a Secret volume: a new file
   * moved over the old one in one step, so a reader sees either token, never half of one.
   */
  void rotateToken() throws IOException {
    Path fresh = dir.resolve("hcloud-token.new");
    Files.writeString(fresh, options.nextToken() + "\n");
    Files.move(fresh, tokenFile(), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  AgentCluster(EtcdExtension etcd, Path dir) {
    this(etcd, dir, Options.defaults());
  }

  HcloudSimulator sim() {
    return sim;
  }

  long fipId() {
    return fipId;
  }

  /** The cluster's etcd prefix ({@code etcd.prefix} of every node). */
  String prefix() {
    return prefix;
  }

  String token() {
    return options.token();
  }

  Duration handoverTimeout() {
    return options.handoverTimeout();
  }

  /** The server Hetzner routes the floating IP to right now, or null. */
  Long fipServer() {
    return sim.floatingIpServer(fipId);
  }

  /** Adds a node with a recording binder; not started. */
  Node node(String name) throws IOException {
    return node(name, null);
  }

  /** Adds a node whose agent will use {@code binder} (e.g. a real one in a network namespace); not started. */
  Node node(String name, AddressBinder binder) throws IOException {
    Node n = new Node(name, binder == null ? new RecordingBinder("recording0") : binder);
    nodes.add(n);
    return n;
  }

  /** Adds and starts {@code count} nodes named cp-1, cp-2, ... */
  List<Node> start(int count) throws Exception {
    List<Node> started = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      Node n = node("cp-" + (nodes.size() + 1));
      n.start();
      started.add(n);
    }
    return started;
  }

  List<Node> nodes() {
    return List.copyOf(nodes);
  }

  List<Node> running() {
    return nodes.stream().filter(Node::running).collect(Collectors.toList());
  }

  /** Running nodes whose loop is LEADING. */
  List<Node> leaders() {
    return running().stream().filter(n -> n.state() == State.LEADING).collect(Collectors.toList());
  }

  /**
   * Waits until exactly one running node is LEADING, Hetzner routes the IP to its server and it has the address
   * bound; returns it.
   */
  Node awaitSoleLeader(Duration within) {
    awaitUntil("exactly one LEADING agent, the floating IP on its server and bound there", within, () -> {
      List<Node> l = leaders();
      return l.size() == 1 && l.get(0).serverId() == orZero(fipServer()) && l.get(0).snapshot().bound();
    });
    return leaders().get(0);
  }

  /** Awaitility with a 20 ms poll; a timeout fails with {@code what} and the state of every node. */
  void awaitUntil(String what, Duration within, Callable<Boolean> condition) {
    try {
      await(what).atMost(within).pollInterval(Duration.ofMillis(20)).until(condition);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("not within " + within + ": " + what + "; " + describe(), e);
    }
  }

  /** Every assign POST the simulator received, in order, failed ones included. */
  List<RecordedCall> assigns() {
    return sim.history().stream().filter(c -> c.path().endsWith("/actions/assign")).collect(Collectors.toList());
  }

  /** Every unassign POST the simulator received. */
  List<RecordedCall> unassigns() {
    return sim.history().stream().filter(c -> c.path().endsWith("/actions/unassign")).collect(Collectors.toList());
  }

  /** One line per node, for failure messages. */
  String describe() {
    StringBuilder s = new StringBuilder("fip on server ").append(fipServer()).append("; ");
    for (Node n : nodes) {
      s.append(n.name).append('(').append(n.serverId).append(")=")
          .append(n.running() ? n.state() + (n.snapshot().bound() ? "+bound" : "") : "down").append(' ');
    }
    return s.toString().strip();
  }

  @Override
  public void close() {
    for (Node n : nodes) {
      n.crashQuietly();
    }
    for (Node n : nodes) {
      n.apiserver.close();
    }
    sim.close();
  }

  private static long orZero(Long v) {
    return v == null ? 0 : v;
  }

  /** One control-plane node: a simulated server, a fake apiserver, a binder and (while started) an agent. */
  final class Node {
    final String name;
    private final long serverId;
    private final FakeApiserver apiserver;
    private final ObservedBinder binder;
    private volatile Agent agent;
    /** The agent of the latest start, still set after a crash or shutdown. */
    private volatile Agent last;
    private volatile AgentConfig config;
    private volatile String etcdEndpoint = etcd.endpoint();
    private volatile String hcloudEndpoint = sim.apiUrl().toString();
    /** Extra top-level YAML for this node's next start (e.g. {@code mode: observe}). */
    private volatile String extraYaml = "";
    private volatile String httpListen = "127.0.0.1:0";

    private Node(String name, AddressBinder binder) throws IOException {
      this.name = name;
      this.serverId = sim.createServer(name, "198.51.100." + (nodes.size() + 10));
      this.apiserver = new FakeApiserver();
      this.binder = new ObservedBinder(binder, AgentCluster.this::fipServer);
    }

    long serverId() {
      return serverId;
    }

    /** Reach etcd through {@code proxy} from the next start on, so this node alone can be cut off. */
    Node via(TcpProxy proxy) {
      etcdEndpoint = proxy.endpoint();
      return this;
    }

    /** Reach the Hetzner API through {@code proxy} from the next start on, so this node alone can lose it. */
    Node hcloudVia(TcpProxy proxy) {
      hcloudEndpoint = proxy.endpoint() + "/v1";
      return this;
    }

    /** Listen on {@code hostPort} (a fixed port, as the chart does) from the next start on. */
    Node listenOn(String hostPort) {
      httpListen = hostPort;
      return this;
    }

    /** Appends {@code yaml} (top-level keys) to this node's configuration from the next start on. */
    Node withConfig(String yaml) {
      extraYaml = yaml;
      return this;
    }

    FakeApiserver apiserver() {
      return apiserver;
    }

    ObservedBinder binder() {
      return binder;
    }

    Agent agent() {
      Agent a = agent;
      if (a == null) {
        throw new IllegalStateException(name + " is not running");
      }
      return a;
    }

    boolean running() {
      return agent != null;
    }

    AgentSnapshot snapshot() {
      return agent().snapshot();
    }

    /** The snapshot of the latest agent, also after it stopped (a crashed agent's is frozen). */
    AgentSnapshot lastSnapshot() {
      return last.snapshot();
    }

    State state() {
      return snapshot().state();
    }

    AgentConfig config() {
      return config;
    }

    /** {@code http://127.0.0.1:PORT} of the running agent. */
    URI httpBase() {
      return URI.create("http://127.0.0.1:" + agent().httpAddress().getPort());
    }

    /** Writes this node's YAML file; extra lines are appended as they are. */
    Path writeConfig(String extraYaml) throws IOException {
      Path file = dir.resolve(name + ".yaml");
      Files.writeString(file, String.join("\n",
          "node: " + name,
          "floatingIp:",
          "  name: " + FIP_NAME,
          "hcloud:",
          "  endpoint: " + hcloudEndpoint,
          options.tokenFile() ? "  tokenFile: " + tokenFile() : "  # token from HCLOUD_TOKEN",
          "  metadataUrl: " + sim.metadataUrl(serverId),
          "  requestTimeout: 2s",
          "  actionTimeout: 10s",
          "  actionPollInterval: 100ms",
          "  verifyInterval: " + options.verifyInterval().toMillis() + "ms",
          "etcd:",
          "  endpoints: [" + etcdEndpoint + "]",
          "  prefix: " + prefix,
          "  leaseTtl: 2s",
          "  dialTimeout: 1s",
          "binder: recording",
          "apiserver:",
          "  url: " + apiserver.readyzUrl(),
          "  interval: 100ms",
          "  timeout: 500ms",
          "  failureThreshold: 2",
          "  successThreshold: 1",
          "handoverTimeout: " + options.handoverTimeout().toMillis() + "ms",
          "takeoverTimeout: " + options.takeoverTimeout().toMillis() + "ms",
          "http:",
          "  listen: " + httpListen,
          extraYaml,
          ""));
      return file;
    }

    /** Loads the configuration exactly as {@code fipkeeper run} would (file, then env with the token). */
    AgentConfig loadConfig() throws IOException, ConfigException {
      Map<String, String> env = options.tokenFile() ? Map.of() : Map.of("HCLOUD_TOKEN", options.token());
      return ConfigLoader.load(Optional.of(writeConfig(extraYaml)), env, Map.of());
    }

    Node start() throws IOException, ConfigException, AgentStartException {
      if (agent != null) {
        throw new IllegalStateException(name + " already running");
      }
      config = loadConfig();
      agent = Agent.start(config, Optional.of(binder));
      last = agent;
      return this;
    }

    /** SIGKILL-equivalent: the lease is simply no longer renewed; the address stays bound. */
    Instant crash() {
      Agent a = agent();
      Instant at = Instant.now();
      a.crash();
      agent = null;
      return at;
    }

    /** SIGTERM-equivalent; returns whether the handover finished inside its bound. */
    boolean shutdown() {
      Agent a = agent();
      boolean clean = a.shutdown();
      agent = null;
      return clean;
    }

    /** Stops a node for good at the end of a test. */
    private void crashQuietly() {
      Agent a = agent;
      agent = null;
      if (a != null) {
        try {
          a.crash();
        } catch (RuntimeException ignored) {
          // best effort at tear-down
        }
      }
    }

    @Override
    public String toString() {
      return name + "(server " + serverId + ")";
    }
  }
}
