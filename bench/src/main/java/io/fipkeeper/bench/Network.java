package io.fipkeeper.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The emulated data-centre network, built from network namespaces so nothing but one veth pair touches the
 * host. Layout for run {@code r} (all addresses are documentation ranges, routed only inside this machine):
 * <pre>
 *   fk{r}-n{i}  eth0 198.51.100.{10+i}/24, default via .1     (one per node: etcd member, agent)
 *   fk{r}-rt    bridge fkbr{r} 198.51.100.1/24 (the switch) + router, forwards; holds the
 *               floating-IP host route 203.0.113.10/32 via the assigned node (blackhole when unassigned)
 *               cl0 192.0.2.1/28 to the client, mg0 198.51.100.253/32 (point-to-point) to the host
 *   fk{r}-cl    eth0 192.0.2.2/28, default via 192.0.2.1       (the outside client that probes the floating IP)
 *   root ns     fk{r}mg 198.51.100.254/32 peer .253, with /32 host routes only: the gateway (simulator), each
 *               node and the floating IP, via the router
 *
 * The host side uses /32 routes and nothing broader on purpose: a machine may itself live in documentation
 * ranges (this one's LAN is 192.0.2.0/24 and its package proxy sits in 203.0.113.0/24), and a /24 route into the
 * testbed would cut it off from them while a test runs. The client namespace's 192.0.2.0/28 exists only inside the
 * router and client namespaces.
 * </pre>
 * The floating IP reaches a node only through the router's host route, as at Hetzner, so a stale or missing
 * route is a real outage seen from the client. Deleting the namespaces removes every interface.
 */
public final class Network implements AutoCloseable {
  public static final String NODE_SUBNET = "198.51.100.0/24";
  public static final String GATEWAY = "198.51.100.1";
  public static final String HARNESS_ADDRESS = "198.51.100.254";
  /** The router's end of the host link (point-to-point with {@link #HARNESS_ADDRESS}). */
  static final String ROUTER_HOST_LINK_ADDRESS = "198.51.100.253";
  public static final String CLIENT_ADDRESS = "192.0.2.2";
  public static final String FLOATING_IP = "203.0.113.10";

  private final int run;
  private final Netns router;
  private final Netns client;
  private final List<Netns> nodes;
  private final AutoCloseable lock;

  private Network(int run, Netns router, Netns client, List<Netns> nodes, AutoCloseable lock) {
    this.run = run;
    this.router = router;
    this.client = client;
    this.nodes = nodes;
    this.lock = lock;
  }

  /** Namespace-name prefix of a run; {@link #sweep(int)} removes everything under it. */
  public static String prefix(int run) {
    return "fk" + run + "-";
  }

  public static String nodeAddress(int index) {
    return "198.51.100." + (10 + index);
  }

  /** Removes what a crashed earlier run with the same id left behind. */
  public static void sweep(int run) {
    Netns.deleteAll(prefix(run));
    removeClientEtc(run);
    Command.exec(List.of("ip", "link", "del", mgmtLink(run)), 5_000);
  }

  /**
   * Builds the whole topology for {@code nodeCount} nodes, holding the machine-wide testbed lock until
   * {@link #close()}; on any failure removes what it created.
   */
  public static Network create(int run, int nodeCount) {
    if (run < 0 || run > 99) {
      throw new IllegalArgumentException("run must be 0..99 (interface names are limited to 15 chars), was " + run);
    }
    if (nodeCount < 1 || nodeCount > 9) {
      throw new IllegalArgumentException("nodeCount must be 1..9, was " + nodeCount);
    }
    // the lock first: the sweep and the route check are only safe while no other network can be built
    AutoCloseable lock = TestbedLock.acquire();
    String p = prefix(run);
    List<Netns> created = new ArrayList<>();
    try {
      sweep(run);
      refuseForeignRoutes(run);
      Netns router = Netns.create(p + "rt");
      created.add(router);
      String bridge = "fkbr" + run;
      // A fixed MAC: a bridge without one takes its lowest port's, so deleting or adding a node (a replaced server)
      // would change the gateway's MAC under every other node's ARP cache and cut them off for seconds.
      router.ip("link", "add", bridge, "address", String.format("02:66:6b:%02x:00:01", run), "type", "bridge");
      router.ip("addr", "add", GATEWAY + "/24", "dev", bridge);
      router.ip("link", "set", bridge, "up");
      router.sysctl("net.ipv4.ip_forward", "1");
      router.ip("route", "add", "blackhole", FLOATING_IP + "/32");
      // the local table moves behind rule 100, so per-node API cuts (rules 10..19) can drop traffic to the simulator
      router.ip("rule", "add", "pref", "100", "lookup", "local");
      router.ip("rule", "del", "pref", "0");

      Netns client = Netns.create(p + "cl");
      created.add(client);
      router.ip("link", "add", "cl0", "type", "veth", "peer", "name", "eth0", "netns", client.name());
      router.ip("addr", "add", "192.0.2.1/28", "dev", "cl0");
      router.ip("link", "set", "cl0", "up");
      client.ip("addr", "add", CLIENT_ADDRESS + "/28", "dev", "eth0");
      client.ip("link", "set", "eth0", "up");
      client.ip("route", "add", "default", "via", "192.0.2.1");

      List<Netns> nodes = new ArrayList<>();
      for (int i = 1; i <= nodeCount; i++) {
        Netns node = Netns.create(p + "n" + i);
        created.add(node);
        nodes.add(node);
        plug(router, run, node, i, nodeAddress(i));
      }

      String mg = mgmtLink(run);
      Command.run("ip", "link", "add", mg, "type", "veth", "peer", "name", "mg0", "netns", router.name());
      router.ip("addr", "add", ROUTER_HOST_LINK_ADDRESS + "/32", "peer", HARNESS_ADDRESS + "/32", "dev", "mg0");
      router.ip("link", "set", "mg0", "up");
      Command.run("ip", "addr", "add", HARNESS_ADDRESS + "/32", "peer", ROUTER_HOST_LINK_ADDRESS + "/32", "dev", mg);
      Command.run("ip", "link", "set", mg, "up");
      for (String target : hostRouteTargets(nodeCount)) {
        Command.run("ip", "route", "add", target + "/32", "via", ROUTER_HOST_LINK_ADDRESS, "dev", mg);
      }
      Network network = new Network(run, router, client, nodes, lock);
      network.verifyHostRoutes();
      return network;
    } catch (RuntimeException e) {
      created.forEach(Netns::delete);
      Command.exec(List.of("ip", "link", "del", mgmtLink(run)), 5_000);
      release(lock);
      throw e;
    }
  }

  /** Connects a node namespace to the switch as port {@code n<index>} with {@code address}/24 on its eth0. */
  private static void plug(Netns router, int run, Netns node, int index, String address) {
    String port = "n" + index;
    router.ip("link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", node.name());
    router.ip("link", "set", port, "master", "fkbr" + run);
    router.ip("link", "set", port, "up");
    node.ip("addr", "add", address + "/24", "dev", "eth0");
    node.ip("link", "set", "eth0", "up");
    node.ip("route", "add", "default", "via", GATEWAY);
    // the harness address sits inside the node subnet but behind the router, not on the bridge
    node.ip("route", "add", HARNESS_ADDRESS + "/32", "via", GATEWAY);
  }

  /**
   * A deleted server: node i's namespace goes (with its veth, so the switch port goes too) and so does the host
   * route to its address. Idempotent.
   */
  public synchronized void removeNode(int index, String address) {
    // The kernel frees a deleted namespace's devices asynchronously, so its switch port could still exist when the
    // replacement plugs in under the same name; deleting our end of the veth pair removes both ends at once.
    Command.exec(Command.concat(router.prefix(), "ip", "link", "del", "n" + index), 5_000);
    nodes.get(index - 1).delete();
    Command.exec(List.of("ip", "route", "del", address + "/32", "dev", mgmtLink(run)), 5_000);
  }

  /**
   * A new server in node i's slot: a fresh namespace {@code fk<r>-n<i>} (the old one must be removed) with
   * {@code address} on eth0, plugged into the switch, and a /32 host route to it. Returns the namespace.
   */
  public synchronized Netns addNode(int index, String address) {
    String existing = Command.run("ip", "route", "show", address + "/32").strip();
    if (!existing.isEmpty()) {
      throw new TestbedException("host already routes " + address + " (" + existing + "): cannot give it to a new node");
    }
    Netns node = Netns.create(prefix(run) + "n" + index);
    try {
      plug(router, run, node, index, address);
      Command.run("ip", "route", "add", address + "/32", "via", ROUTER_HOST_LINK_ADDRESS, "dev", mgmtLink(run));
    } catch (RuntimeException e) {
      node.delete();
      throw e;
    }
    nodes.set(index - 1, node);
    return node;
  }

  /**
   * Name resolution of the client namespace: {@code ip netns exec} bind-mounts {@code /etc/netns/<ns>/hosts} over
   * /etc/hosts, so processes started there resolve these names (and only these: the resolv.conf next to it
   * points at a local address nothing listens on, so no lookup ever leaves the namespace).
   */
  public void clientHosts(java.util.Map<String, String> addressByName) {
    java.nio.file.Path dir = clientEtc(run);
    StringBuilder hosts = new StringBuilder("127.0.0.1\tlocalhost\n");
    addressByName.forEach((name, addr) -> hosts.append(addr).append('\t').append(name).append('\n'));
    try {
      java.nio.file.Files.createDirectories(dir);
      java.nio.file.Files.writeString(dir.resolve("hosts"), hosts.toString());
      java.nio.file.Files.writeString(dir.resolve("resolv.conf"), "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n");
    } catch (java.io.IOException e) {
      throw new TestbedException("cannot write " + dir + ": " + e.getMessage(), e);
    }
  }

  private static java.nio.file.Path clientEtc(int run) {
    return java.nio.file.Path.of("/etc/netns", prefix(run) + "cl");
  }

  private static void removeClientEtc(int run) {
    java.nio.file.Path dir = clientEtc(run);
    for (String f : List.of("hosts", "resolv.conf")) {
      dir.resolve(f).toFile().delete();
    }
    dir.toFile().delete();
  }

  /** Points the floating IP's host route at a node address, or blackholes it for {@code null}. */
  public void routeFloatingIp(String nodeAddress) {
    if (nodeAddress == null) {
      router.ip("route", "replace", "blackhole", FLOATING_IP + "/32");
    } else {
      router.ip("route", "replace", FLOATING_IP + "/32", "via", nodeAddress, "dev", "fkbr" + run);
    }
  }

  /**
   * Cuts node i off the Hetzner API (the simulator on the gateway), nothing else: the router silently drops its
   * packets to {@link #GATEWAY} (a blackhole policy rule), so its requests hang until they time out, as with a
   * broken route or firewall between one host and the API. etcd, probes and the harness are not affected.
   */
  public void cutApi(int index, String address) {
    if (!router.ip("rule", "show", "pref", Integer.toString(apiRule(index))).isBlank()) {
      return;
    }
    // the node's address now: a replaced node has a new one
    router.ip("rule", "add", "pref", Integer.toString(apiRule(index)), "from", address, "to", GATEWAY, "blackhole");
  }

  /** Undoes {@link #cutApi(int, String)}; a no-op when node i is not cut. */
  public void restoreApi(int index) {
    if (!router.ip("rule", "show", "pref", Integer.toString(apiRule(index))).isBlank()) {
      router.ip("rule", "del", "pref", Integer.toString(apiRule(index)));
    }
  }

  private static int apiRule(int index) {
    return 10 + index;
  }

  /** Pulls node i's cable at the switch: its etcd member, agent and probes lose the network. */
  public void partition(int index) {
    router.ip("link", "set", "n" + index, "down");
  }

  /** Plugs node i's cable back in. */
  public void heal(int index) {
    router.ip("link", "set", "n" + index, "up");
  }

  /** Addresses bound on node i's eth0, as {@code ip -o -4 addr} prints them (e.g. "203.0.113.10/32"). */
  public List<String> addresses(int index) {
    List<String> out = new ArrayList<>();
    for (String line : node(index).ip("-o", "-4", "addr", "show", "dev", "eth0").split("\n")) {
      String[] f = line.trim().split("\\s+");
      for (int k = 0; k + 1 < f.length; k++) {
        if (f[k].equals("inet")) {
          out.add(f[k + 1]);
        }
      }
    }
    return out;
  }

  public synchronized Netns node(int index) {
    return nodes.get(index - 1);
  }

  public Netns router() {
    return router;
  }

  public Netns client() {
    return client;
  }

  public int run() {
    return run;
  }

  /** Namespaces of this run that exist now (empty after {@link #close()}). */
  public List<String> liveNamespaces() {
    return Netns.list().stream().filter(n -> n.startsWith(prefix(run))).toList();
  }

  @Override
  public synchronized void close() {
    for (Netns n : nodes) {
      n.delete();
    }
    client.delete();
    router.delete();
    Command.exec(List.of("ip", "link", "del", mgmtLink(run)), 5_000);
    removeClientEtc(run);
    release(lock);
  }

  private static void release(AutoCloseable lock) {
    try {
      lock.close();
    } catch (Exception e) {
      System.err.println("cannot release the testbed lock: " + e.getMessage());
    }
  }

  private static String mgmtLink(int run) {
    return "fk" + run + "mg";
  }

  /**
   * Refuses to start when the host already routes the documentation ranges elsewhere (another testbed run):
   * harness traffic must never leave this machine.
   */
  private static void refuseForeignRoutes(int run) {
    for (String target : hostRouteTargets(9)) {
      String existing = Command.run("ip", "route", "show", target + "/32").strip();
      if (!existing.isEmpty()) {
        throw new TestbedException("host already routes " + target + " (" + existing
            + "); another testbed is running or left a route behind: remove it or stop that run");
      }
    }
  }

  /** The only addresses the host routes into the testbed: the gateway (simulator), the nodes, the floating IP. */
  static List<String> hostRouteTargets(int nodeCount) {
    List<String> targets = new ArrayList<>();
    targets.add(GATEWAY);
    for (int i = 1; i <= nodeCount; i++) {
      targets.add(nodeAddress(i));
    }
    targets.add(FLOATING_IP);
    return targets;
  }

  private void verifyHostRoutes() {
    for (String target : List.of(nodeAddress(1), FLOATING_IP)) {
      String route = Command.run("ip", "route", "get", target);
      if (!route.contains("dev " + mgmtLink(run))) {
        throw new TestbedException("route to " + target + " does not stay on this machine: " + route.strip());
      }
    }
  }
}
