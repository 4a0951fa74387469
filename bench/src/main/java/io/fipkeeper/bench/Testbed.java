package io.fipkeeper.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A whole multi-host test installation: nodes (network namespaces when root, loopback ports otherwise), a real
 * etcd cluster across them, the Hetzner simulator, Hetzner's floating-IP routing, one fake apiserver and one
 * agent per node. Built with {@link #builder()}; {@link #close()} (also run by a shutdown hook) stops every
 * process and removes every namespace, in reverse order of creation, whatever failed before.
 */
public final class Testbed implements AutoCloseable {
  public static final String FLOATING_IP_NAME = "k8s-api";
  static final int AGENT_HTTP_PORT = 9847;
  static final int SIM_PORT = 8080;

  private final Builder spec;
  private final Path workDir;
  /** How the agents' JVMs start the agent jar (with the AppCDS archive when there is one); null until known. */
  private volatile List<String> agentLaunch;
  /** The nodes' own services, when started ({@link #startServiceProber}); a replaced node gets a new one. */
  private volatile NodeServices services;
  /** Current node of each slot (a replaced node keeps its slot index and name, with a new address). */
  private final List<Node> nodes;
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final List<FakeApiserver> apiservers = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final List<AgentProcess> agents = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Thread hook = new Thread(this::closeQuietly, "testbed-teardown");
  private Network network;
  private EtcdCluster etcd;
  private SimProcess sim;
  private FloatingIpRoute route;
  private TestbedCa ca;
  private ApiEndpoint endpoint;
  private Kubeconfig kubeconfig;
  private boolean closed;

  private Testbed(Builder spec, Path workDir, List<Node> nodes) {
    this.spec = spec;
    this.workDir = workDir;
    this.nodes = new java.util.concurrent.CopyOnWriteArrayList<>(nodes);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Whether this JVM runs as root (namespaces need it). */
  public static boolean isRoot() {
    try {
      return "0".equals(Command.run("id", "-u").strip());
    } catch (TestbedException e) {
      return false;
    }
  }

  public boolean usesNamespaces() {
    return network != null;
  }

  public List<Node> nodes() {
    return List.copyOf(nodes);
  }

  public Node node(int i) {
    return nodes.get(i - 1);
  }

  public EtcdCluster etcd() {
    return etcd;
  }

  /** The simulator; only present when the builder was given its jar. */
  public SimProcess sim() {
    if (sim == null) {
      throw new IllegalStateException("no simulator in this testbed: set Builder.simJar");
    }
    return sim;
  }

  public Optional<Network> network() {
    return Optional.ofNullable(network);
  }

  /** Floating-IP routing follower (namespace testbed with a simulator only). */
  public Optional<FloatingIpRoute> route() {
    return Optional.ofNullable(route);
  }

  public FakeApiserver apiserver(int i) {
    return apiservers.get(i - 1);
  }

  public AgentProcess agent(int i) {
    return agents.get(i - 1);
  }

  public List<AgentProcess> agents() {
    return List.copyOf(agents);
  }

  /** The API token the simulator accepted at start (label {@code default}) and every agent's file holds. */
  public String token() {
    return spec.token;
  }

  public long floatingIpId() {
    return sim().floatingIpId(FLOATING_IP_NAME);
  }

  public Path workDir() {
    return workDir;
  }

  /** Starts every agent and waits until each serves /status. */
  public Testbed startAgents(Duration timeout) {
    agents.forEach(AgentProcess::start);
    agents.forEach(a -> a.waitServing(timeout));
    return this;
  }

  /** The agent whose /status says LEADING, if exactly one does. */
  public Optional<AgentProcess> leader() {
    List<AgentProcess> leading = agents.stream()
        .filter(a -> a.status().map(s -> "LEADING".equals(s.state())).orElse(false))
        .toList();
    return leading.size() == 1 ? Optional.of(leading.get(0)) : Optional.empty();
  }

  /**
   * Waits until exactly one agent is LEADING with the address bound and the simulator has the IP on its
   * server, and {@code accept} takes that node; returns its name. Fails with every agent's log tail.
   */
  public String awaitSettledLeader(java.util.function.Predicate<String> accept, Duration timeout) {
    String[] leader = new String[1];
    boolean settled = Await.tryUntil(timeout, () -> {
      Optional<String> l = Snapshot.take(this, null).settledLeader().filter(accept);
      l.ifPresent(n -> leader[0] = n);
      return l.isPresent();
    });
    if (!settled) {
      StringBuilder msg = new StringBuilder("no agent settled as leader within " + timeout.toSeconds() + " s");
      for (AgentProcess a : agents) {
        msg.append("\n--- ").append(a.node().name()).append(' ').append(a.status().map(Object::toString).orElse("(no status)"))
            .append('\n').append(a.tail(15));
      }
      throw new TestbedException(msg.toString());
    }
    return leader[0];
  }

  /** Node name the simulator has the floating IP assigned to now. */
  public Optional<String> assignedNode() {
    return sim().assignedServer(floatingIpId()).flatMap(sim()::serverName);
  }

  /** Starts an outside client probing the floating IP (namespace testbed: from the client namespace). */
  public Prober startProber(Duration interval) {
    if (network == null) {
      throw new IllegalStateException("the loopback testbed has no routed floating IP to probe");
    }
    Prober p = Prober.start(network.client().prefix(),
        "http://" + Network.FLOATING_IP + ":" + AGENT_HTTP_PORT + "/status", interval);
    closeables.add(p);
    return p;
  }

  /**
   * Probes each node's own service through the floating IP: starts {@link NodeServices} on {@code port} and a
   * client probing {@code http://<floating IP>:port/}. Both stop with the testbed.
   */
  public Prober startServiceProber(int port, Duration interval) {
    requireNetwork();
    NodeServices started = NodeServices.start(this, port);
    services = started;
    closeables.add(started);
    Prober p = Prober.start(network.client().prefix(), "http://" + Network.FLOATING_IP + ":" + port + "/", interval);
    closeables.add(p);
    return p;
  }

  /** The stable API endpoint (DNS name, certificate SANs) of this testbed's cluster; present when agents run. */
  public Optional<ApiEndpoint> apiEndpoint() {
    return Optional.ofNullable(endpoint);
  }

  /** The outside client's kubeconfig, written once at build (namespace testbed with agents only). */
  public Optional<Kubeconfig> kubeconfig() {
    return Optional.ofNullable(kubeconfig);
  }

  /**
   * Starts the operator's CI preflight in the client namespace: the real kubectl, {@code get --raw /readyz} every
   * {@code interval} with the kubeconfig written at build (server = the endpoint's DNS name, resolved to the
   * floating IP by the client's hosts file; CA = the testbed CA).
   */
  public Prober startKubectlProber(Duration interval) {
    if (network == null || kubeconfig == null) {
      throw new IllegalStateException("kubectl needs the namespace testbed with agents (run as root)");
    }
    Prober p = Prober.startKubectl(network.client().prefix(), Kubeconfig.kubectl(), kubeconfig.file(), interval);
    closeables.add(p);
    return p;
  }

  /**
   * Deletes node i's server the way Hetzner does when it is deleted: its agent, apiserver and etcd member die at
   * once (a VM deletion is a power-off), the simulator deletes the server (which unassigns the floating IP from it),
   * and its namespace goes. The etcd member stays listed until {@link #replace(int)} (or the caller) removes it.
   */
  public synchronized void destroy(int i) {
    Node n = node(i);
    agent(i).sigkill();
    apiserver(i).kill();
    if (i <= etcd.size()) {
      etcd.kill(i);
    }
    sim().deleteServer(sim().serverId(n.name()));
    requireNetwork().removeNode(i, n.address());
  }

  /**
   * Recreates node i like ksail replaces a control-plane node: a new server with the same name (new id, new
   * address and metadata), a new namespace with that address, the etcd member replaced ({@code member remove} of
   * the old one if still listed, {@code member add} of the new one, which then joins the running cluster), a new
   * apiserver certificate and a fresh agent with the same configuration code path as the others. Returns once the
   * new etcd member is healthy and the agent serves /status.
   */
  public synchronized Node replace(int i, Duration timeout) {
    Node old = node(i);
    SimProcess.CreatedServer server = sim().createServer(old.name());
    Node fresh = new Node(i, old.name(), old.namespace(), server.ipv4(), old.etcdClientPort(), old.etcdPeerPort(),
        old.httpPort());
    requireNetwork().addNode(i, fresh.address());
    nodes.set(i - 1, fresh);
    route.register(server.id(), fresh.address());
    if (i <= etcd.size()) {
      etcd.removeMember(i);
      etcd.addMember(i, fresh);
      Await.until("new etcd member " + fresh.name() + " healthy at " + fresh.etcdClientUrl(), timeout,
          () -> etcd.isHealthy(i));
    }
    apiservers.set(i - 1, startApiserver(fresh));
    if (services != null) {
      services.replaced(i, fresh);
    }
    AgentProcess a = newAgent(fresh);
    agents.set(i - 1, a);
    a.start().waitServing(timeout);
    return fresh;
  }

  /**
   * Puts slot i back after a replacement that failed half-way (a harness timeout on a loaded machine): whatever
   * of the node is left is removed (processes, server, namespace, etcd membership), then it is recreated.
   */
  public synchronized Node repair(int i, Duration timeout) {
    Node n = node(i);
    agent(i).sigkill();
    apiserver(i).kill();
    if (i <= etcd.size()) {
      etcd.kill(i);
      if (etcd.isListed(i)) {
        etcd.removeMember(i);
      }
    }
    sim().liveServerId(n.name()).ifPresent(sim()::deleteServer);
    requireNetwork().removeNode(i, n.address());
    return replace(i, timeout);
  }

  /** Whether every part of node i runs: agent, apiserver, etcd member (if it has one). */
  public boolean intact(int i) {
    return agent(i).isAlive() && apiserver(i).isAlive() && (i > etcd.size() || etcd.isRunning(i));
  }

  /** Cuts node i off the network (namespace testbed only). */
  public void partition(int i) {
    requireNetwork().partition(i);
  }

  public void heal(int i) {
    requireNetwork().heal(i);
  }

  private Network requireNetwork() {
    if (network == null) {
      throw new IllegalStateException("partitions need the namespace testbed (run as root)");
    }
    return network;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (int i = closeables.size() - 1; i >= 0; i--) {
      try {
        closeables.get(i).close();
      } catch (Exception e) {
        System.err.println("teardown step failed: " + e.getMessage());
      }
    }
    deleteTree(workDir.resolve("etcd-data"));
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down: we are the hook
    }
  }

  private void closeQuietly() {
    close();
  }

  private Testbed build() {
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      if (spec.namespaces) {
        network = Network.create(spec.run, spec.nodes);
        closeables.add(network);
      }
      etcd = new EtcdCluster(nodes.subList(0, spec.etcdMembers), workDir, "fk" + spec.run);
      closeables.add(etcd);
      etcd.start().waitHealthy(Duration.ofSeconds(30));
      if (spec.simJar != null) {
        startSim();
      }
      boolean withAgents = (spec.agentJar != null || spec.agentLaunch != null) && sim != null;
      if (withAgents || (spec.apiservers && sim != null)) {
        endpoint = spec.agentJar != null
            ? ApiEndpoint.fromTalosPatch(spec.agentJar, Network.FLOATING_IP, ApiEndpoint.DNS_NAME)
            : ApiEndpoint.fallback(Network.FLOATING_IP);
        ca = TestbedCa.create("fipkeeper-testbed-" + spec.run + " kubernetes CA");
        if (network != null) {
          network.clientHosts(Map.of(endpoint.host(), Network.FLOATING_IP));
          kubeconfig = Kubeconfig.write(workDir.resolve("kubeconfig.yaml"), endpoint, ca.caPem());
        }
        for (Node n : nodes) {
          FakeApiserver api = startApiserver(n);
          apiservers.add(api);
        }
        // apiservers are looked up by slot at close time: a replaced node's server is stopped too
        closeables.add(() -> apiservers.forEach(FakeApiserver::close));
      }
      if (withAgents) {
        if (spec.agentLaunch == null) {
          agentLaunch = AgentJvm.launch(spec.agentJar, this::trainAgentJvm);
        }
        for (Node n : nodes) {
          agents.add(newAgent(n));
        }
        // agents stop before etcd and the simulator so their graceful shutdown can still reach both
        closeables.add(() -> agents.parallelStream().forEach(AgentProcess::close));
      }
      return this;
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /**
   * The AppCDS training run ({@link AgentJvm}): the first node's agent in observe mode (it elects under its own
   * prefix, assigns and binds nothing), before the real agents start, until it has campaigned and served its HTTP
   * paths; the SIGTERM makes the JVM write the archive.
   */
  private void trainAgentJvm(List<String> launch) {
    Node n = nodes.get(0);
    AgentConfig config = agentConfig(n, AgentJvm.trainingSettings(spec.agentSettings));
    AgentProcess training = new AgentProcess(n, spec.agentJar, launch, config, spec.token,
        workDir.resolve("appcds-training"));
    try {
      training.start();
      Await.until("AppCDS training agent campaigning", AgentJvm.trainingTimeout(), () -> {
        if (!training.isAlive()) {
          throw new TestbedException("training agent exited:\n" + training.tail(10));
        }
        return training.status().map(st -> !"STANDBY".equals(st.state())).orElse(false);
      });
      training.metrics();
      training.status();
    } finally {
      training.close();
    }
  }

  private AgentProcess newAgent(Node n) {
    List<String> launch = spec.agentLaunch != null ? spec.agentLaunch
        : agentLaunch != null ? agentLaunch : List.of("-jar", spec.agentJar.toString());
    FakeClock clock = spec.fakeClocks ? new FakeClock(workDir.resolve("agent-" + n.name() + ".clock")) : null;
    return new AgentProcess(n, spec.agentLaunch != null ? null : spec.agentJar, launch, agentConfig(n), spec.token,
        workDir, clock);
  }

  /**
   * Node n's apiserver: on the namespace testbed inside its namespace on 0.0.0.0:6443 (the agent probes
   * 127.0.0.1, clients reach the node IP or the floating IP); on loopback on 127.0.0.1 and a free port. Its
   * certificate's SANs are the node IP plus the endpoint's certSANs (talos-patch: floating IP and DNS name).
   */
  private FakeApiserver startApiserver(Node n) {
    List<String> sans = new ArrayList<>();
    sans.add(n.address());
    endpoint.certSans().stream().filter(san -> !sans.contains(san)).forEach(sans::add);
    Path keystore = ca.issueServer(n.name(), sans, workDir.resolve("pki").resolve("apiserver-" + n.name() + ".p12"));
    Path log = workDir.resolve("apiserver-" + n.name() + ".log");
    if (spec.namespaces) {
      return FakeApiserver.start(n, "0.0.0.0:" + FakeApiserver.PORT, n.address() + ":" + FakeApiserver.PORT,
          "https://127.0.0.1:" + FakeApiserver.PORT + "/readyz", keystore, log);
    }
    int port = freePort();
    return FakeApiserver.start(n, "127.0.0.1:" + port, "127.0.0.1:" + port, "https://127.0.0.1:" + port + "/readyz",
        keystore, log);
  }

  private void startSim() {
    String host = spec.namespaces ? Network.GATEWAY : "127.0.0.1";
    int port = spec.namespaces ? SIM_PORT : freePort();
    List<String> prefix = spec.namespaces ? network.router().prefix() : List.of();
    sim = SimProcess.start(spec.simJar, prefix, host, port, spec.token, spec.actionDuration, nodes,
        Map.of(FLOATING_IP_NAME, Network.FLOATING_IP), workDir.resolve("hcloud-sim.log"));
    closeables.add(sim);
    if (network != null) {
      Map<Long, String> byServer = new HashMap<>();
      nodes.forEach(n -> byServer.put(sim.serverId(n.name()), n.address()));
      route = new FloatingIpRoute(sim, floatingIpId(), byServer, network::routeFloatingIp).start();
      closeables.add(route);
    }
  }

  /**
   * The etcd endpoints with the node's own member first, as the chart deploys it (each agent talks to the etcd on its
   * own node): a partitioned node then cuts off only its own agent, not every agent that happened to pick it.
   */
  private List<String> localMemberFirst(Node n) {
    List<String> all = new ArrayList<>(etcd.endpoints());
    if (n.index() <= all.size()) {
      java.util.Collections.rotate(all, -(n.index() - 1));
    }
    return all;
  }

  private AgentConfig agentConfig(Node n) {
    return agentConfig(n, spec.agentSettings);
  }

  private AgentConfig agentConfig(Node n, Map<String, String> settings) {
    return new AgentConfig(
        n.name(), FLOATING_IP_NAME, sim.apiUrl(), sim.metadataUrl(n.name()), localMemberFirst(n), spec.leaseTtl,
        spec.namespaces ? "eth0" : "lo",
        spec.namespaces ? "ip" : "recording",
        apiservers.get(n.index() - 1).url(),
        (spec.namespaces ? "0.0.0.0" : "127.0.0.1") + ":" + n.httpPort(),
        Duration.ofMillis(200),
        spec.logLevel,
        AgentProcess.tokenFile(workDir, n).toString(),
        settings);
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new TestbedException("no free port: " + e.getMessage(), e);
    }
  }

  static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // logs and leftovers in a temp dir are harmless
    }
  }

  /** What to build; defaults give a 3-node, 3-member namespace testbed when root, loopback otherwise. */
  public static final class Builder {
    private int nodes = 3;
    private int etcdMembers = 3;
    private int run = 0;
    private boolean namespaces = isRoot();
    private Path workDir;
    private Path agentJar;
    private Path simJar;
    private List<String> agentLaunch;
    private boolean apiservers;
    // random per testbed, so a search of logs and endpoints for it cannot hit anything else
    private String token = "tb-" + java.util.HexFormat.of().formatHex(randomBytes());
    private final Map<String, String> agentSettings = new java.util.LinkedHashMap<>();
    private boolean fakeClocks;
    private Duration leaseTtl = Duration.ofSeconds(2);
    private Duration actionDuration = Duration.ofSeconds(1);
    private String logLevel = "info";

    public Builder nodes(int n) {
      if (n < 1 || n > 9) {
        throw new IllegalArgumentException("nodes must be 1..9, was " + n);
      }
      this.nodes = n;
      return this;
    }

    public Builder etcdMembers(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("etcdMembers must be at least 1, was " + n);
      }
      this.etcdMembers = n;
      return this;
    }

    /** Run id 0..99: namespaces are named fk{run}-*, so two ids never collide on names. */
    public Builder run(int run) {
      this.run = run;
      return this;
    }

    /** true = network namespaces (needs root), false = everything on loopback with distinct ports. */
    public Builder namespaces(boolean namespaces) {
      this.namespaces = namespaces;
      return this;
    }

    public Builder workDir(Path dir) {
      this.workDir = dir;
      return this;
    }

    /** The shaded agent jar; without it (or without a simulator) no agents are created. */
    public Builder agentJar(Path jar) {
      this.agentJar = jar;
      return this;
    }

    /**
     * Runs agents with these JVM arguments instead of {@code -jar <agentJar>} (e.g. {@code -cp <cp> <main>}
     * for a stand-in); "run --config <file>" is appended either way.
     */
    public Builder agentLaunch(List<String> jvmArgs) {
      this.agentLaunch = List.copyOf(jvmArgs);
      return this;
    }

    /**
     * Starts the nodes' TLS apiservers (and the endpoint, CA and kubeconfig) even without testbed agents: for
     * scenarios that launch agents of their own, such as observers beside keepalived. With agents they always run.
     */
    public Builder apiservers(boolean start) {
      this.apiservers = start;
      return this;
    }

    /** The shaded simulator jar; without it no simulator runs. */
    public Builder simJar(Path jar) {
      this.simJar = jar;
      return this;
    }

    public Builder token(String token) {
      this.token = token;
      return this;
    }

    /**
     * Adds a top-level key to every agent's YAML (e.g. {@code takeoverTimeout}); an agent that does not know the
     * key refuses to start.
     */
    public Builder agentSetting(String key, String value) {
      agentSettings.put(key, value);
      return this;
    }

    /** Runs every agent under its own {@link FakeClock} (at the true time until a scenario steps it). */
    public Builder fakeClocks(boolean on) {
      this.fakeClocks = on;
      return this;
    }

    public Builder leaseTtl(Duration ttl) {
      this.leaseTtl = ttl;
      return this;
    }

    public Builder actionDuration(Duration d) {
      this.actionDuration = d;
      return this;
    }

    public Builder logLevel(String level) {
      this.logLevel = level;
      return this;
    }

    private static byte[] randomBytes() {
      byte[] b = new byte[16];
      new java.security.SecureRandom().nextBytes(b);
      return b;
    }

    /** Creates and starts everything; on failure removes what it created and throws a TestbedException. */
    public Testbed build() {
      if (etcdMembers > nodes) {
        throw new IllegalArgumentException("etcdMembers (" + etcdMembers + ") cannot exceed nodes (" + nodes + ")");
      }
      if (namespaces && !isRoot()) {
        throw new NotRootException();
      }
      Path dir = workDir;
      try {
        dir = dir == null ? Files.createTempDirectory("fipkeeper-testbed-") : Files.createDirectories(dir);
      } catch (IOException e) {
        throw new TestbedException("cannot create work dir: " + e.getMessage(), e);
      }
      List<Node> list = new ArrayList<>();
      for (int i = 1; i <= nodes; i++) {
        list.add(namespaces
            ? new Node(i, "cp-" + i, Network.prefix(run) + "n" + i, Network.nodeAddress(i), 2379, 2380, AGENT_HTTP_PORT)
            : new Node(i, "cp-" + i, null, "127.0.0.1", freePort(), freePort(), freePort()));
      }
      return new Testbed(this, dir, List.copyOf(list)).build();
    }
  }
}
