package io.fipkeeper;

import io.fipkeeper.config.AgentConfig;
import io.fipkeeper.etcd.ClusterStatus;
import io.fipkeeper.etcd.ClusterStatusReader;
import io.fipkeeper.hcloud.TokenWatch;
import io.fipkeeper.health.ApiserverProbe;
import io.fipkeeper.http.HealthChecks;
import io.fipkeeper.http.ModeStatus;
import io.fipkeeper.http.PortReservation;
import io.fipkeeper.http.StatusServer;
import io.fipkeeper.leader.AgentSnapshot;
import io.fipkeeper.leader.Event;
import io.fipkeeper.leader.port.AddressBinder;
import io.fipkeeper.leader.port.ElectionException;
import io.fipkeeper.leader.runtime.EventInbox;
import io.fipkeeper.leader.runtime.LeaderLoop;
import io.fipkeeper.leader.runtime.LoopThreads;
import io.fipkeeper.metrics.AgentMetrics;
import io.fipkeeper.observe.ObserveReport;
import io.fipkeeper.time.Ticker;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * One running agent: wires configuration to the Hetzner client, the etcd election, the address binder, the apiserver
 * probe, the leader loop and the HTTP endpoint, and owns their start and stop order.
 *
 * <p>Start order, for a restarted leader that must keep its lease alive before etcd expires it: hold the HTTP port (a
 * second agent on the node fails here, before it touches etcd), connect to etcd on its own thread while resolving this
 * node's server id and the floating IP (fail fast with one line if Hetzner or the metadata service can't answer),
 * adopt the previous run's lease if its key is still there, then build metrics and binder, start HTTP on the held
 * port, start the loop (its first tick reads the kernel and Hetzner before anything is kept or removed), then the
 * probe, whose first healthy verdict lets the loop campaign. {@code start-up timings} in the log shows each step. Stop order (SIGTERM): the loop resigns,
 * revokes and hands over (bounded), then the probe, HTTP and etcd are closed. The floating IP is never unassigned.
 */
public final class Agent implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Agent.class);

  /** Added to the handover timeout to bound a graceful stop: resign and revoke get their own short timeouts. */
  private static final Duration SHUTDOWN_SLACK = Duration.ofSeconds(5);
  /** How often the token is read for a change (a file read; the requests re-read it anyway). */
  static final Duration TOKEN_CHECK_INTERVAL = Duration.ofSeconds(1);

  private final AgentConfig config;
  private final AgentParts parts;
  private final LeaderLoop loop;
  private final ApiserverProbe probe;
  private final ScheduledExecutorService probeScheduler;
  private final StatusServer http;
  private final InetSocketAddress httpAddress;
  /** The snapshot as {@code /status} shows it (observe mode: real Hetzner and kernel reads). */
  private final Supplier<AgentSnapshot> shown;
  private final StartupTimeline timeline;

  private Agent(AgentConfig config, AgentParts parts, LeaderLoop loop, ApiserverProbe probe,
      ScheduledExecutorService probeScheduler, StatusServer http, InetSocketAddress httpAddress,
      Supplier<AgentSnapshot> shown, StartupTimeline timeline) {
    this.config = config;
    this.timeline = timeline;
    this.parts = parts;
    this.loop = loop;
    this.probe = probe;
    this.probeScheduler = probeScheduler;
    this.http = http;
    this.httpAddress = httpAddress;
    this.shown = shown;
  }

  /** Runs the agent until SIGTERM/SIGINT; returns the process exit code (0 ok, 1 runtime failure). */
  public static int run(AgentConfig config) {
    Agent agent;
    try {
      agent = start(config, Optional.empty());
    } catch (AgentStartException e) {
      log.error("start failed node={} error={}", config.node(), e.getMessage());
      System.err.println("fipkeeper: " + e.getMessage());
      return 1;
    }
    // Handle SIGTERM/SIGINT ourselves instead of in a shutdown hook: the graceful handover then runs on the main
    // thread with the whole JVM still alive, and the process exits 0 (a hook would leave the JVM's 143).
    CountDownLatch stop = new CountDownLatch(1);
    SignalHandler onSignal = signal -> {
      log.info("signal received signal={} node={}", signal.getName(), config.node());
      stop.countDown();
    };
    Signal.handle(new Signal("TERM"), onSignal);
    Signal.handle(new Signal("INT"), onSignal);
    try {
      stop.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    agent.shutdown();
    return 0;
  }

  /** Prints the cluster-wide view from etcd (who holds the IP, epoch, every agent); returns the exit code. */
  public static int status(AgentConfig config, boolean json) {
    String address;
    try {
      address = AgentParts.Hcloud.connect(config, null).resolveAddress(config.floatingIp());
    } catch (AgentStartException e) {
      System.err.println("fipkeeper: " + e.getMessage());
      return 1;
    }
    try (ClusterStatusReader reader = new ClusterStatusReader(AgentParts.etcdSettings(config.etcd()),
        config.electionPrefix(), address)) {
      ClusterStatus status = reader.read(Duration.ofSeconds(5));
      if (config.mode() == AgentConfig.Mode.OBSERVE && !json) {
        System.out.println("observe mode (" + config.electionPrefix() + "): would-be states; fipkeeper assigns and "
            + "binds nothing");
      }
      System.out.println(json ? ClusterStatusReader.toJson(status) : ClusterStatusReader.render(status));
      return 0;
    } catch (ElectionException | RuntimeException e) {
      System.err.println("fipkeeper: cannot read status from etcd " + config.etcd().endpoints() + ": " + e.getMessage());
      return 1;
    }
  }

  /**
   * Builds and starts an agent. {@code binderOverride} replaces the configured binder (tests that bind inside a
   * network namespace they created).
   */
  public static Agent start(AgentConfig config, Optional<AddressBinder> binderOverride) throws AgentStartException {
    StartupTimeline timeline = StartupTimeline.sinceMain();
    // the port first: a second agent on this node must fail here, before it adopts (and so stops) the live one's lease
    PortReservation port;
    try {
      port = PortReservation.hold(config.http().socketAddress());
    } catch (BindException e) {
      throw new AgentStartException(e.getMessage(), e);
    }
    AgentParts parts;
    try {
      parts = AgentParts.assemble(config, binderOverride, timeline);
    } catch (AgentStartException | RuntimeException e) {
      port.close();
      throw e;
    }
    LeaderLoop loop = null;
    StatusServer http = null;
    ScheduledExecutorService scheduler = null;
    try {
      EventInbox inbox = parts.inbox();
      Optional<ObserveReport> observe = parts.observeReport();
      loop = new LeaderLoop(parts.leaderSettings(), inbox, parts.election(), parts.takeover(), parts.binder(),
          parts.observer(), Ticker.system(), InstantSource.system(), LoopThreads.daemon(config.node()),
          observe.isPresent());
      LeaderLoop theLoop = loop;
      Supplier<AgentSnapshot> shown = observe.<Supplier<AgentSnapshot>>map(r -> () -> r.present(theLoop.snapshot()))
          .orElse(theLoop::snapshot);
      Supplier<ModeStatus> mode = observe.<Supplier<ModeStatus>>map(r -> () -> ModeStatus.observe(r.lastWouldAction()))
          .orElse(() -> ModeStatus.ACTIVE);
      HealthChecks liveness = new HealthChecks()
          .add("leader-loop", theLoop::alive);
      HealthChecks readiness = new HealthChecks()
          .add("leader-loop", theLoop::alive)
          .addProblem("etcd", parts.etcdReachability()::problem);
      http = new StatusServer(config.http().socketAddress(), shown, liveness, readiness,
          parts.metrics(), parts.version(), mode);
      port.close();
      InetSocketAddress bound = http.start();
      timeline.mark("http");
      loop.start(parts.adoptedLease());
      scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fipkeeper-probe-" + config.node());
        t.setDaemon(true);
        return t;
      });
      ApiserverProbe probe = new ApiserverProbe(config.apiserver(), scheduler, ok -> {
        parts.metrics().setApiserverHealthy(ok);
        inbox.post(new Event.ApiserverHealth(ok));
      });
      probe.start();
      // a node sitting out over a rejected token sends nothing: a new token must be noticed without a request
      TokenWatch tokenWatch = new TokenWatch(parts.tokens(), () -> inbox.post(new Event.CredentialsChanged()));
      scheduler.scheduleWithFixedDelay(tokenWatch::check, 0, TOKEN_CHECK_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
      timeline.mark("probe");
      log.info("start-up timings node={} {}", config.node(), timeline.render());
      log.info("agent started node={} server={} fip={} interface={} http={} mode={}", config.node(),
          parts.serverId(), parts.takeover().address(), parts.binder().interfaceName(), bound,
          config.mode().name().toLowerCase(java.util.Locale.ROOT));
      if (observe.isPresent()) {
        log.warn("observe mode: this agent elects and reports but never assigns the floating IP nor adds or removes "
            + "an address fip={} node={} prefix={}", parts.takeover().address(), config.node(), config.electionPrefix());
      }
      return new Agent(config, parts, loop, probe, scheduler, http, bound, shown, timeline);
    } catch (BindException e) {
      port.close();
      closeQuietly(loop, http, scheduler, parts);
      throw new AgentStartException(e.getMessage(), e);
    } catch (RuntimeException e) {
      port.close();
      closeQuietly(loop, http, scheduler, parts);
      throw new AgentStartException("start-up failed: " + AgentParts.oneLine(e), e);
    }
  }

  /** The snapshot {@code /status} shows; in observe mode the state is the would-be one, Hetzner and kernel real. */
  public AgentSnapshot snapshot() {
    return shown.get();
  }

  /** The start-up's steps in the order they ran (the names of the {@code start-up timings} log line). */
  public java.util.List<String> startupSteps() {
    return timeline.steps();
  }

  /** The previous run's lease this start-up adopted, if there was one. */
  public Optional<Long> adoptedLease() {
    return parts.adoptedLease();
  }

  public InetSocketAddress httpAddress() {
    return httpAddress;
  }

  public AgentMetrics metrics() {
    return parts.metrics();
  }

  /** Graceful stop: resign, revoke, hand over (bounded), unbind, close everything. Never unassigns the IP. */
  public boolean shutdown() {
    boolean clean = false;
    try {
      clean = loop.shutdown(config.handoverTimeout().plus(SHUTDOWN_SLACK));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      probe.close();
      probeScheduler.shutdownNow();
      http.close();
      parts.close();
      log.info("agent stopped node={} clean={}", config.node(), clean);
    }
    return clean;
  }

  /**
   * Stops without resigning, revoking or unbinding, as if the process was killed: the lease simply stops being
   * renewed. For failover tests.
   */
  public void crash() {
    loop.close();
    probe.close();
    probeScheduler.shutdownNow();
    http.close();
    parts.close();
  }

  @Override
  public void close() {
    shutdown();
  }

  private static void closeQuietly(LeaderLoop loop, StatusServer http, ScheduledExecutorService scheduler,
      AgentParts parts) {
    if (loop != null) {
      loop.close();
    }
    if (http != null) {
      http.close();
    }
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
    parts.close();
  }

  /** A start-up failure with a one-line, secret-free message. */
  public static final class AgentStartException extends Exception {
    public AgentStartException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
