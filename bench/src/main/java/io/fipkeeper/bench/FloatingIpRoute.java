package io.fipkeeper.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Hetzner's routing of the floating IP, emulated: a daemon thread polls the simulator's assignment every
 * 50 ms and points the router's host route at the assigned server's node (blackhole when unassigned). The
 * route therefore lags the assignment by at most one poll plus one {@code ip route replace}. Every change is
 * recorded with its monotonic time so scenarios can measure windows.
 */
public final class FloatingIpRoute implements AutoCloseable {
  private static final long POLL_NANOS = 50_000_000L;

  private final SimProcess sim;
  private final long floatingIpId;
  private final Map<Long, String> addressByServer;
  private final Consumer<String> router;
  private final List<Change> changes = new ArrayList<>();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile Long routedServer;

  /**
   * @param router applies a route: called with the node address, or {@code null} to blackhole
   */
  public FloatingIpRoute(SimProcess sim, long floatingIpId, Map<Long, String> addressByServer, Consumer<String> router) {
    this.sim = sim;
    this.floatingIpId = floatingIpId;
    this.addressByServer = new java.util.concurrent.ConcurrentHashMap<>(addressByServer);
    this.router = router;
    this.thread = new Thread(this::loop, "fip-route");
    this.thread.setDaemon(true);
  }

  public FloatingIpRoute start() {
    thread.start();
    return this;
  }

  /** A server created after the start (a replaced node): where to route the IP when Hetzner assigns it there. */
  public void register(long serverId, String nodeAddress) {
    addressByServer.put(serverId, nodeAddress);
  }

  /** The server the route points at now (empty = blackholed). */
  public Optional<Long> routedServer() {
    return Optional.ofNullable(routedServer);
  }

  /** Route changes so far, oldest first. */
  public synchronized List<Change> changes() {
    return List.copyOf(changes);
  }

  private void loop() {
    while (running) {
      try {
        Long assigned = sim.assignedServer(floatingIpId).orElse(null);
        if (!Objects.equals(assigned, routedServer)) {
          router.accept(assigned == null ? null : addressByServer.get(assigned));
          routedServer = assigned;
          synchronized (this) {
            changes.add(new Change(System.nanoTime(), assigned));
          }
        }
      } catch (TestbedException e) {
        // simulator briefly unreachable (or stopped by a scenario): keep the last route, as Hetzner would
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The route started pointing at {@code server} (null = blackhole) at {@code nanos} (System.nanoTime). */
  public record Change(long nanos, Long server) {}
}
