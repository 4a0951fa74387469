package io.fipkeeper.observe;

import io.fipkeeper.leader.AgentSnapshot;
import io.fipkeeper.metrics.AgentMetrics.WouldAction;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an observing agent would have done, and what the real world showed it: the observing ports report here, and
 * {@code /status}, the metrics and the log read from here. Each would-be action is logged once, as it happens
 * ({@code would assign floating ip ...}, {@code would bind address ...}, {@code would unbind address ...}), and
 * counted. Holds no secret. Thread-safe.
 */
public final class ObserveReport {
  private static final Logger log = LoggerFactory.getLogger(ObserveReport.class);

  private final String floatingIp;
  private final Consumer<WouldAction> counter;
  private volatile Long realServer;
  private volatile boolean realBound;
  private volatile String lastWouldAction;

  /**
   * @param floatingIp the managed address, for the log and {@code /status}
   * @param counter counts each would-be action (the metrics)
   */
  public ObserveReport(String floatingIp, Consumer<WouldAction> counter) {
    this.floatingIp = Objects.requireNonNull(floatingIp, "floatingIp");
    this.counter = Objects.requireNonNull(counter, "counter");
  }

  /** Hetzner answered: the floating IP is really routed to {@code server} (null: to no server). */
  void hetznerRead(Long server) {
    realServer = server;
  }

  /** The kernel answered: the address is really on the interface, or not. */
  void kernelRead(boolean bound) {
    realBound = bound;
  }

  /** A takeover would have sent the assign POST for {@code to}; Hetzner really routes the IP to {@code from}. */
  void wouldAssign(long to, Long from) {
    log.info("would assign floating ip fip={} from={} to={} mode=observe", floatingIp, from, to);
    record(WouldAction.ASSIGN, "assign " + floatingIp + " to server " + to + " (Hetzner routes it to "
        + (from == null ? "no server" : "server " + from) + ")");
  }

  /** A bind would have run; {@code present}: the kernel already has the address (put there by another controller). */
  void wouldBind(String iface, boolean present) {
    log.info("would bind address fip={} interface={} present={} mode=observe", floatingIp, iface, present);
    record(WouldAction.BIND, "bind " + floatingIp + " on " + iface
        + (present ? " (already there: put there by another controller)" : " (not on the interface now)"));
  }

  /** An unbind would have run; an address that is really there belongs to someone else and stays. */
  void wouldUnbind(String iface, boolean present) {
    log.info("would unbind address fip={} interface={} present={} mode=observe", floatingIp, iface, present);
    record(WouldAction.UNBIND, "unbind " + floatingIp + " from " + iface
        + (present ? " (left alone: another controller put it there)" : " (not on the interface now)"));
  }

  private void record(WouldAction action, String text) {
    lastWouldAction = text;
    counter.accept(action);
  }

  /** The server Hetzner really routed the IP to at this agent's last read (null: none, or never read). */
  public Long realServer() {
    return realServer;
  }

  /** Whether the kernel really had the address at this agent's last read. */
  public boolean realBound() {
    return realBound;
  }

  /** The last thing the agent would have done, as a sentence for {@code /status}; null until there is one. */
  public String lastWouldAction() {
    return lastWouldAction;
  }

  /**
   * {@code loop}'s snapshot as {@code /status} shows it in observe mode: the state is the would-be one (LEADING: would
   * hold), but {@code assignedServer} and {@code bound} are what Hetzner and the kernel really said at the last read,
   * not what the would-be world believes.
   */
  public AgentSnapshot present(AgentSnapshot loop) {
    return new AgentSnapshot(loop.node(), loop.serverId(), loop.state(), loop.leader(), loop.floatingIp(),
        realServer, realBound, loop.epoch(), loop.lastTransition(), loop.lastError(), loop.apiserverHealthy(),
        loop.credentialsRejected(), loop.lastResignation());
  }
}
