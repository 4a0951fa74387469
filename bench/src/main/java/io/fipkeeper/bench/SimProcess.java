package io.fipkeeper.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Hetzner Cloud simulator (hcloud-sim.jar) as a process: one server per node, one floating IP. Ids are read
 * from the lines it prints at start-up; the control API ({@code /_sim/...}) gives history, assignment, faults.
 */
public final class SimProcess implements AutoCloseable {
  private static final Pattern SERVER = Pattern.compile("server (\\S+) id=(\\d+)");
  private static final Pattern FIP = Pattern.compile("floating_ip (\\S+) id=(\\d+)");

  private final ManagedProcess process;
  private final String baseUrl;
  /** Public IPv4s the simulator gives servers created through the API (replacement nodes). */
  public static final String SERVER_IP_POOL = "198.51.100.20-198.51.100.39";
  /** Label under which the harness's own calls (server deletes and creates, as ksail makes them) are recorded. */
  public static final String OPERATOR = "operator";
  private final Map<String, Long> serverIds;
  /** Every server id ever seen, deleted ones included (the history still names them). */
  private final Map<Long, String> namesById = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<String, Long> floatingIpIds;
  private final HttpJson http = new HttpJson();
  private final String token;

  private SimProcess(ManagedProcess process, String baseUrl, String token, Map<String, Long> serverIds,
      Map<String, Long> fips) {
    this.process = process;
    this.token = token;
    this.baseUrl = baseUrl;
    this.serverIds = new java.util.concurrent.ConcurrentHashMap<>(serverIds);
    this.floatingIpIds = fips;
    serverIds.forEach((name, id) -> namesById.put(id, name));
  }

  /**
   * Starts the simulator with {@code prefix} (namespace) on host:port, one server per node (name = node name,
   * public IPv4 = node address) and the floating IPs (name -> address). Waits until it listens.
   */
  public static SimProcess start(Path jar, List<String> prefix, String host, int port, String token,
      Duration actionDuration, List<Node> nodes, Map<String, String> floatingIps, Path log) {
    if (!Files.isRegularFile(jar)) {
      throw new TestbedException("simulator jar missing: " + jar + " (build it: ./mvnw -q -DskipTests package)");
    }
    Path tokenFile = log.resolveSibling("hcloud-sim.token");
    try {
      Files.writeString(tokenFile, token + "\n");
    } catch (IOException e) {
      throw new TestbedException("cannot write " + tokenFile + ": " + e.getMessage(), e);
    }
    List<String> argv = new ArrayList<>(prefix);
    argv.addAll(List.of(JavaCommand.java(), "-Xmx128m", "-XX:+UseSerialGC", "-jar", jar.toString(),
        "--port", Integer.toString(port), "--host", host, "--token-file", tokenFile.toString(),
        "--action-duration", durationFlag(actionDuration), "--server-ip-pool", SERVER_IP_POOL,
        "--extra-token", OPERATOR + "=" + operatorToken(token)));
    for (Node n : nodes) {
      argv.addAll(List.of("--server", n.name() + "=" + n.address()));
    }
    floatingIps.forEach((name, ip) -> argv.addAll(List.of("--floating-ip", name + "=" + ip)));
    ManagedProcess p = ManagedProcess.start("hcloud-sim", argv, Map.of(), log);
    Await.until("simulator listening (log " + log + ")", Duration.ofSeconds(30), () -> {
      if (!p.isAlive()) {
        throw new TestbedException("simulator exited:\n" + p.tail(10));
      }
      return read(log).contains("listening on");
    });
    String text = read(log);
    Map<String, Long> servers = ids(SERVER, text);
    Map<String, Long> fips = ids(FIP, text);
    for (Node n : nodes) {
      if (!servers.containsKey(n.name())) {
        p.stop(Duration.ofSeconds(3));
        throw new TestbedException("simulator did not print an id for server " + n.name() + ":\n" + text);
      }
    }
    return new SimProcess(p, "http://" + host + ":" + port, token, servers, fips);
  }

  /** API base for agents' {@code hcloud.endpoint}. */
  public String apiUrl() {
    return baseUrl + "/v1";
  }

  /** Metadata URL for one server, for agents' {@code hcloud.metadataUrl}. */
  public String metadataUrl(String serverName) {
    return baseUrl + "/metadata/" + serverId(serverName) + "/hetzner/v1/metadata";
  }

  public long serverId(String name) {
    Long id = serverIds.get(name);
    if (id == null) {
      throw new IllegalArgumentException("no simulated server named " + name + "; known: " + serverIds.keySet());
    }
    return id;
  }

  public long floatingIpId(String name) {
    Long id = floatingIpIds.get(name);
    if (id == null) {
      throw new IllegalArgumentException("no simulated floating IP named " + name + "; known: " + floatingIpIds.keySet());
    }
    return id;
  }

  /** Server name by id (deleted servers included), for showing assignments. */
  public Optional<String> serverName(long id) {
    return Optional.ofNullable(namesById.get(id));
  }

  /** Node name of every server id ever seen, for the checker. */
  public Map<Long, String> nodeNamesById() {
    return Map.copyOf(namesById);
  }

  /** A server created through the API: its id and the public IPv4 the simulator gave it. */
  public record CreatedServer(long id, String ipv4) {}

  /**
   * Creates a control-plane server as an installer does ({@code POST /v1/servers} from the Talos snapshot, with the
   * operator's token); from now on {@code name} means the new server.
   */
  public CreatedServer createServer(String name) {
    HttpJson.Response r = http.post(apiUrl() + "/servers", "{\"name\":\"" + name + "\",\"server_type\":\"cx22\","
        + "\"image\":300000001,\"location\":\"fsn1\",\"labels\":{\"cluster\":\"testbed\",\"role\":\"control-plane\"}}",
        operatorToken(token));
    if (r.status() != 201) {
      throw new TestbedException("simulator refused to create server " + name + ": " + r.status() + " " + r.body());
    }
    JsonNode server = r.json().path("server");
    long id = server.path("id").asLong();
    serverIds.put(name, id);
    namesById.put(id, name);
    return new CreatedServer(id, server.at("/public_net/ipv4/ip").asText());
  }

  /** The id of the server named {@code name} if the simulator still has it (GET /v1/servers?name=). */
  public Optional<Long> liveServerId(String name) {
    HttpJson.Response r = http.getWithToken(apiUrl() + "/servers?name=" + name, operatorToken(token));
    JsonNode first = r.status() == 200 ? r.json().path("servers").path(0) : null;
    return first != null && first.path("id").isNumber() ? Optional.of(first.path("id").asLong()) : Optional.empty();
  }

  /** Deletes a server as the operator ({@code DELETE /v1/servers/{id}}): Hetzner unassigns its floating IPs. */
  public void deleteServer(long id) {
    HttpJson.Response[] last = new HttpJson.Response[1];
    // 423 while the server's create action still runs: wait for it, as an operator's tooling does
    Await.tryUntil(Duration.ofSeconds(15), () -> {
      last[0] = http.delete(apiUrl() + "/servers/" + id, operatorToken(token));
      return last[0].status() != 423;
    });
    HttpJson.Response r = last[0];
    if (r.status() != 200) {
      throw new TestbedException("simulator refused to delete server " + id + ": " + r.status() + " " + r.body());
    }
  }

  /** The operator's token: derived from the agents' so it is as secret as theirs, but recorded apart. */
  private static String operatorToken(String agentToken) {
    return agentToken + "-operator";
  }

  /** The server the floating IP is assigned to now, or empty when unassigned. */
  public Optional<Long> assignedServer(long floatingIpId) {
    JsonNode server = http.getJson(baseUrl + "/_sim/floating_ips/" + floatingIpId).path("server");
    return server.isNumber() ? Optional.of(server.asLong()) : Optional.empty();
  }

  /**
   * Assigns the floating IP through the public API, as an operator (or a rogue script) would; returns the HTTP
   * status. Scenarios use it to move the IP behind the agents' backs.
   */
  public int assignAsOperator(long floatingIpId, long serverId) {
    return http.post(apiUrl() + "/floating_ips/" + floatingIpId + "/actions/assign",
        "{\"server\":" + serverId + "}", token).status();
  }

  /** Every mutating call the simulator saw, oldest first. */
  public JsonNode history() {
    return http.getJson(baseUrl + "/_sim/history");
  }

  public JsonNode stats() {
    return http.getJson(baseUrl + "/_sim/stats");
  }

  /** Injects a fault, e.g. {@code {"fault":"RATE_LIMITED_429","endpoint":"ASSIGN","count":3}}. */
  public void fault(String json) {
    HttpJson.Response r = http.post(baseUrl + "/_sim/faults", json);
    if (r.status() / 100 != 2) {
      throw new TestbedException("simulator refused fault " + json + ": " + r.status() + " " + r.body());
    }
  }

  public void clearFaults() {
    http.delete(baseUrl + "/_sim/faults");
    http.delete(baseUrl + "/_sim/holds");
  }

  /** Accepts one more token under {@code label} (the start token's label is {@code default}). */
  public void addToken(String label, String token) {
    control(http.post(baseUrl + "/_sim/tokens", "{\"label\":\"" + label + "\",\"token\":\"" + token + "\"}"),
        "add token " + label);
  }

  /** Answers the token with this label 401 from now on ({@code false}: accepts it again). */
  public void revokeToken(String label, boolean revoked) {
    control(http.post(baseUrl + "/_sim/tokens/" + label + (revoked ? "/revoke" : "/restore"), ""),
        (revoked ? "revoke" : "restore") + " token " + label);
  }

  /** Per token label: whether revoked, API requests carrying it and how many were answered 401. */
  public JsonNode tokens() {
    return http.getJson(baseUrl + "/_sim/tokens");
  }

  /** Holds the next {@code count} assigns to {@code serverId} in transit for {@code hold} before executing them. */
  public void holdAssigns(long serverId, int count, Duration hold) {
    control(http.post(baseUrl + "/_sim/holds", "{\"endpoint\":\"ASSIGN\",\"server\":" + serverId + ",\"count\":"
        + count + ",\"holdMs\":" + hold.toMillis() + "}"), "hold assigns");
  }

  /** {@code holding} (held now) and {@code held} (every held request with arrival and release time). */
  public JsonNode holds() {
    return http.getJson(baseUrl + "/_sim/holds");
  }

  private static void control(HttpJson.Response r, String what) {
    if (r.status() / 100 != 2) {
      throw new TestbedException("simulator refused to " + what + ": " + r.status() + " " + r.body());
    }
  }

  /** Changes how long assign actions take from now on. */
  public void actionDuration(Duration d) {
    http.post(baseUrl + "/_sim/config", "{\"actionDurationMs\":" + d.toMillis() + "}");
  }

  public ManagedProcess process() {
    return process;
  }

  @Override
  public void close() {
    process.stop(Duration.ofSeconds(5));
  }

  private static String durationFlag(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }

  private static Map<String, Long> ids(Pattern p, String text) {
    Map<String, Long> ids = new HashMap<>();
    Matcher m = p.matcher(text);
    while (m.find()) {
      ids.put(m.group(1), Long.parseLong(m.group(2)));
    }
    return ids;
  }

  private static String read(Path log) {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "";
    }
  }
}
