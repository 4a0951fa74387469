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
  /** Outcome of starting an action. */
  sealed interface Started {
    record Ok(SimEntities.Action action) implements Started {}

    record NotFound() implements Started {}

    record UnknownServer() implements Started {}

    record Locked(long runningActionId) implements Started {}
  }

  private final SimClock clock;
  private final RateLimiter rateLimiter;
  private final FaultBook faults = new FaultBook();
  private final Map<Long, SimEntities.Server> servers = new TreeMap<>();
  private final Map<Long, SimEntities.FloatingIp> floatingIps = new TreeMap<>();
  private final Map<Long, ActionLifecycle> actions = new LinkedHashMap<>();
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
      if (a.claimCompletion(now) && a.succeeded(now)) {
        SimEntities.FloatingIp fip = floatingIps.get(a.floatingIpId);
        setServer(fip, a.command.equals("assign_floating_ip") ? a.serverId : null);
      }
    }
  }

  private void setServer(SimEntities.FloatingIp fip, Long serverId) {
    floatingIps.put(fip.id(), new SimEntities.FloatingIp(
        fip.id(), fip.name(), fip.ip(), fip.type(), serverId, fip.labels(), fip.created()));
  }
}
