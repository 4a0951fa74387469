package io.fipkeeper.hcloudsim;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * All mutable simulator state (servers, floating IPs, actions, faults, the rate-limit bucket) behind one lock.
 * Actions complete lazily: every read first "settles" finished actions, so the floating IP's server changes at the
 * instant its action succeeds, with no background thread and exact behaviour under a fake clock.
 */
final class SimState {
  /** Where {@code POST /servers} takes public IPv4s from unless configured (TEST-NET-2, never routed). */
  static final String DEFAULT_ADDRESS_POOL = "198.51.100.100-198.51.100.199";
  /** Outcome of starting an action. */
  sealed interface Started {
    record Ok(SimEntities.Action action) implements Started {}

    record NotFound() implements Started {}

    record UnknownServer() implements Started {}

    record Locked(long runningActionId) implements Started {}
  }

  /** Outcome of {@code POST /servers}. */
  sealed interface ServerCreated {
    record Ok(SimEntities.Server server, SimEntities.Action action) implements ServerCreated {}

    record NameTaken() implements ServerCreated {}

    record NoAddressLeft() implements ServerCreated {}
  }

  /** Outcome of {@code DELETE /servers/{id}}: the action and the floating IPs the deletion unassigned. */
  sealed interface ServerDeleted {
    record Ok(SimEntities.Action action, List<Long> releasedFloatingIps) implements ServerDeleted {}

    record NotFound() implements ServerDeleted {}

    record Locked(long runningActionId) implements ServerDeleted {}
  }

  /** Outcome of {@code PUT /floating_ips/{id}}. */
  sealed interface FloatingIpUpdated {
    record Ok(SimEntities.FloatingIp floatingIp) implements FloatingIpUpdated {}

    record NotFound() implements FloatingIpUpdated {}

    record NameTaken() implements FloatingIpUpdated {}
  }

  private final SimClock clock;
  private final RateLimiter rateLimiter;
  private final FaultBook faults = new FaultBook();
  private final Map<Long, SimEntities.Server> servers = new TreeMap<>();
  private final Map<Long, SimEntities.FloatingIp> floatingIps = new TreeMap<>();
  private final Map<Long, ActionLifecycle> actions = new LinkedHashMap<>();
  private AddressPool addressPool = AddressPool.parse(DEFAULT_ADDRESS_POOL);
  private long nextServerId = 1;
  private long nextFloatingIpId = 1;
  private long nextActionId = 1;
  private Duration actionDuration;

  SimState(SimClock clock, int rateLimit, Duration rateLimitPeriod, Duration actionDuration) {
    this.clock = clock;
    this.rateLimiter = new RateLimiter(rateLimit, rateLimitPeriod, clock.nanos());
    this.actionDuration = actionDuration;
  }

  SimClock clock() {
    return clock;
  }

  synchronized long createServer(String name, String publicIpv4) {
    long id = nextServerId++;
    servers.put(id, new SimEntities.Server(id, name, publicIpv4, clock.now()));
    return id;
  }

  synchronized long createFloatingIp(String name, String ip, Map<String, String> labels, Long server) {
    if (server != null && !servers.containsKey(server)) {
      throw new IllegalArgumentException("unknown server " + server);
    }
    boolean v6 = ip.contains(":");
    String stored = v6 && !ip.contains("/") ? ip + "/64" : ip;
    long id = nextFloatingIpId++;
    floatingIps.put(id, new SimEntities.FloatingIp(
        id, name, stored, v6 ? "ipv6" : "ipv4", server, Map.copyOf(labels), clock.now()));
    return id;
  }

  synchronized void assignDirectly(long fipId, Long serverId) {
    settle();
    SimEntities.FloatingIp fip = floatingIps.get(fipId);
    if (fip == null) {
      throw new IllegalArgumentException("unknown floating ip " + fipId);
    }
    if (serverId != null && !servers.containsKey(serverId)) {
      throw new IllegalArgumentException("unknown server " + serverId);
    }
    setServer(fip, serverId);
  }

  synchronized SimEntities.FloatingIp floatingIp(long id) {
    settle();
    return floatingIps.get(id);
  }

  synchronized List<SimEntities.FloatingIp> floatingIps() {
    settle();
    return new ArrayList<>(floatingIps.values());
  }

  synchronized SimEntities.Server server(long id) {
    return servers.get(id);
  }

  synchronized List<SimEntities.Server> servers() {
    return new ArrayList<>(servers.values());
  }

  /** {@code running}, or {@code initializing} while the server's create_server action runs. */
  synchronized String serverStatus(SimEntities.Server s) {
    ActionLifecycle create = actions.get(s.createActionId());
    return create != null && !create.isFinished(clock.nanos()) ? "initializing" : "running";
  }

  synchronized void setAddressPool(AddressPool pool) {
    this.addressPool = pool;
  }

  /**
   * Creates a server the way {@code POST /servers} does: a unique name, the next free address of the pool and a
   * create_server action that runs for the configured action duration (the server is "initializing" meanwhile).
   */
  synchronized ServerCreated createServer(String name, String serverType, String location, ServerCatalog.Image image,
      Map<String, String> labels) {
    if (serverIdByName(name) != null) {
      return new ServerCreated.NameTaken();
    }
    String ip = addressPool.next(servers.values().stream().map(SimEntities.Server::publicIpv4)
        .collect(java.util.stream.Collectors.toSet()));
    if (ip == null) {
      return new ServerCreated.NoAddressLeft();
    }
    long id = nextServerId++;
    long now = clock.nanos();
    ActionLifecycle action = new ActionLifecycle(nextActionId++, "create_server", 0, id, clock.now(), now,
        actionDuration.toNanos(), false);
    actions.put(action.id, action);
    SimEntities.Server server = new SimEntities.Server(id, name, ip, clock.now(), serverType, location, image,
        Map.copyOf(labels), action.id);
    servers.put(id, server);
    return new ServerCreated.Ok(server, action.view(now));
  }

  /**
   * Deletes a server as Hetzner does: it is gone at once (its metadata too), every floating IP assigned to it is
   * unassigned at once (no unassign action: the deletion is the cause), and assign actions still running towards
   * it end in error. A server whose own action still runs is locked.
   */
  synchronized ServerDeleted deleteServer(long id) {
    settle();
    if (!servers.containsKey(id)) {
      return new ServerDeleted.NotFound();
    }
    long now = clock.nanos();
    for (ActionLifecycle a : actions.values()) {
      if (!a.isFloatingIpAction() && Long.valueOf(id).equals(a.serverId) && !a.isFinished(now)) {
        return new ServerDeleted.Locked(a.id);
      }
    }
    servers.remove(id);
    List<Long> released = new ArrayList<>();
    for (SimEntities.FloatingIp f : new ArrayList<>(floatingIps.values())) {
      if (Long.valueOf(id).equals(f.server())) {
        setServer(f, null);
        released.add(f.id());
      }
    }
    for (ActionLifecycle a : actions.values()) {
      if (a.isFloatingIpAction() && a.command.equals("assign_floating_ip") && Long.valueOf(id).equals(a.serverId)) {
        a.failIfRunning(now);
      }
    }
    ActionLifecycle action = new ActionLifecycle(nextActionId++, "delete_server", 0, id, clock.now(), now,
        actionDuration.toNanos(), false);
    actions.put(action.id, action);
    return new ServerDeleted.Ok(action.view(now), List.copyOf(released));
  }

  /** {@code PUT /floating_ips/{id}}: each argument null = unchanged ({@code description} empty clears it). */
  synchronized FloatingIpUpdated updateFloatingIp(long id, String name, String description,
      Map<String, String> labels) {
    settle();
    SimEntities.FloatingIp f = floatingIps.get(id);
    if (f == null) {
      return new FloatingIpUpdated.NotFound();
    }
    if (name != null && floatingIps.values().stream().anyMatch(o -> o.id() != id && o.name().equals(name))) {
      return new FloatingIpUpdated.NameTaken();
    }
    SimEntities.FloatingIp updated = new SimEntities.FloatingIp(f.id(), name == null ? f.name() : name, f.ip(),
        f.type(), f.server(), labels == null ? f.labels() : Map.copyOf(labels), f.created(),
        description == null ? f.description() : description.isEmpty() ? null : description);
    floatingIps.put(id, updated);
    return new FloatingIpUpdated.Ok(updated);
  }

  synchronized Long serverIdByName(String name) {
    return servers.values().stream().filter(s -> s.name().equals(name)).map(SimEntities.Server::id)
        .findFirst().orElse(null);
  }

  synchronized Long floatingIpIdByName(String name) {
    return floatingIps.values().stream().filter(f -> f.name().equals(name)).map(SimEntities.FloatingIp::id)
        .findFirst().orElse(null);
  }

  /** Floating IP ids currently assigned to {@code serverId}. */
  synchronized List<Long> floatingIpsOf(long serverId) {
    settle();
    return floatingIps.values().stream().filter(f -> Long.valueOf(serverId).equals(f.server()))
        .map(SimEntities.FloatingIp::id).toList();
  }

  synchronized SimEntities.Action action(long id) {
    settle();
    ActionLifecycle a = actions.get(id);
    return a == null ? null : a.view(clock.nanos());
  }

  synchronized List<SimEntities.Action> actions() {
    settle();
    long now = clock.nanos();
    return actions.values().stream().map(a -> a.view(now)).toList();
  }

  /**
   * Starts an assign ({@code targetServer} non-null) or unassign action. Assigning to the server the IP already has
   * still creates an action that succeeds: the API docs do not say, and this is the harmless choice (assumption).
   */
  synchronized Started startAction(long fipId, boolean assign, Long targetServer, FaultRule shaping) {
    settle();
    SimEntities.FloatingIp fip = floatingIps.get(fipId);
    if (fip == null) {
      return new Started.NotFound();
    }
    if (assign && !servers.containsKey(targetServer)) {
      return new Started.UnknownServer();
    }
    long now = clock.nanos();
    for (ActionLifecycle a : actions.values()) {
      if (a.floatingIpId == fipId && !a.isFinished(now)) {
        return new Started.Locked(a.id);
      }
    }
    Duration duration = shaping != null && shaping.actionDuration() != null ? shaping.actionDuration() : actionDuration;
    boolean fails = shaping != null && shaping.fault() == Fault.ACTION_ERROR;
    ActionLifecycle action = new ActionLifecycle(
        nextActionId++, assign ? "assign_floating_ip" : "unassign_floating_ip", fipId,
        assign ? targetServer : fip.server(), clock.now(), now, duration.toNanos(), fails);
    actions.put(action.id, action);
    settle();
    return new Started.Ok(action.view(now));
  }

  synchronized void setActionDuration(Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException("action duration must not be negative, was " + d);
    }
    this.actionDuration = d;
  }

  synchronized boolean tryAcquireRateLimit() {
    return rateLimiter.tryAcquire(clock.nanos());
  }

  synchronized RateLimitState rateLimitState() {
    return rateLimiter.state(clock.nanos(), clock.now().toEpochMilli());
  }

  synchronized void inject(FaultRule rule) {
    faults.add(rule);
  }

  synchronized void clearFaults() {
    faults.clear();
  }

  synchronized FaultRule takeFault(Endpoint endpoint) {
    return faults.take(endpoint, clock.now());
  }

  /** Applies every action that finished since the last look, in creation order. */
  private void settle() {
    long now = clock.nanos();
    for (ActionLifecycle a : actions.values()) {
      if (a.isFloatingIpAction() && a.claimCompletion(now) && a.succeeded(now)) {
        SimEntities.FloatingIp fip = floatingIps.get(a.floatingIpId);
        setServer(fip, a.command.equals("assign_floating_ip") ? a.serverId : null);
      }
    }
  }

  private void setServer(SimEntities.FloatingIp fip, Long serverId) {
    floatingIps.put(fip.id(), fip.withServer(serverId));
  }
}
