package io.fipkeeper.leader.runtime;

import io.fipkeeper.leader.Action;
import io.fipkeeper.leader.AgentSnapshot;
import io.fipkeeper.leader.Context;
import io.fipkeeper.leader.Event;
import io.fipkeeper.leader.LeaderSettings;
import io.fipkeeper.leader.LeaderStateMachine;
import io.fipkeeper.leader.State;
import io.fipkeeper.leader.Term;
import io.fipkeeper.leader.port.AddressBinder;
import io.fipkeeper.leader.port.ElectionBackend;
import io.fipkeeper.leader.port.ElectionException;
import io.fipkeeper.leader.port.FloatingIpTakeover;
import io.fipkeeper.time.Ticker;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link LeaderStateMachine}: drains the {@link EventInbox} one event at a time (never two at once, whatever
 * the executor), applies the machine and performs its actions through {@link ActionRunner}. Ticks every
 * {@link #TICK}. Logs exactly one INFO line per state change. The context is only written by the draining thread;
 * {@link #snapshot()} and {@link #alive()} are safe from any thread.
 */
public final class LeaderLoop implements AutoCloseable {
  /** Tick period: the resolution of every deadline (safe window, retries, handover, verify). */
  public static final Duration TICK = Duration.ofMillis(100);
  /** {@link #alive()} turns false when no event was processed for this long (ticks arrive every 100 ms). */
  public static final Duration ALIVE_WINDOW = Duration.ofSeconds(5);
  /** How long closing waits for queued etcd and {@code ip} calls: two etcd calls with their own timeouts, and slack. */
  static final Duration DRAIN = ActionRunner.ETCD_TIMEOUT.multipliedBy(2).plusSeconds(1);

  private static final Logger log = LoggerFactory.getLogger(LeaderLoop.class);

  private final LeaderStateMachine machine;
  private final LeaderSettings settings;
  private final EventInbox inbox;
  private final ElectionBackend election;
  private final FloatingIpTakeover takeover;
  private final AddressBinder binder;
  private final LeaderObserver observer;
  private final Ticker ticker;
  private final InstantSource clock;
  private final LoopThreads threads;
  private final InetAddress address;
  private final ActionRunner runner;

  private final AtomicBoolean draining = new AtomicBoolean();
  private final AtomicBoolean tickPending = new AtomicBoolean();
  private final CountDownLatch stopped = new CountDownLatch(1);

  /** Written only by the draining thread; volatile so the fence and {@link #shutdown} can read it. */
  private volatile Context context;
  private volatile AgentSnapshot snapshot;
  private volatile long lastBeatNanos;
  private volatile boolean started;
  private Instant lastTransition;
  private AutoCloseable tickHandle = () -> { };

  public LeaderLoop(LeaderSettings settings, EventInbox inbox, ElectionBackend election, FloatingIpTakeover takeover,
      AddressBinder binder, LeaderObserver observer, Ticker ticker, InstantSource clock, LoopThreads threads) {
    this(settings, inbox, election, takeover, binder, observer, ticker, clock, threads, false);
  }

  /**
   * {@code observing}: the ports are observe mode's would-be ports ({@code io.fipkeeper.observe}), which report what
   * they would do themselves; the loop then does not log their binds, unbinds and takeovers as done.
   */
  public LeaderLoop(LeaderSettings settings, EventInbox inbox, ElectionBackend election, FloatingIpTakeover takeover,
      AddressBinder binder, LeaderObserver observer, Ticker ticker, InstantSource clock, LoopThreads threads,
      boolean observing) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.inbox = Objects.requireNonNull(inbox, "inbox");
    this.election = Objects.requireNonNull(election, "election");
    this.takeover = Objects.requireNonNull(takeover, "takeover");
    this.binder = Objects.requireNonNull(binder, "binder");
    this.observer = Objects.requireNonNull(observer, "observer");
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.threads = Objects.requireNonNull(threads, "threads");
    this.address = literal(takeover.address());
    this.machine = new LeaderStateMachine(settings);
    this.runner = new ActionRunner(settings, election, takeover, binder, address, inbox, threads, clock,
        this::locallyLeading, observing);
    this.context = machine.initial();
    this.lastTransition = clock.instant();
    this.snapshot = snapshotOf(context);
  }

  /**
   * Start-up: takes over the lease of this agent's previous run if its election key is still alive (a restart is a
   * handover to itself: the term, the IP and the address stay), then starts draining and ticking. Blocking, bounded
   * by one etcd timeout. The agent adopts earlier, before its HTTP server and metrics exist, and calls
   * {@link #start(Optional)}.
   */
  public void start() {
    start(adoptPreviousLease(election, settings.node()));
  }

  /**
   * The first etcd step of a start-up: the previous run's lease, kept alive from now on, if its election key is still
   * there; empty when there is none or etcd cannot answer (logged; the agent then campaigns as usual). Bounded by one
   * etcd timeout. Only the lease is taken over here: nothing is assigned or bound before the machine decides so.
   */
  public static Optional<Long> adoptPreviousLease(ElectionBackend election, String node) {
    try {
      Optional<Long> adopted = election.adoptPreviousLease(ActionRunner.ETCD_TIMEOUT);
      adopted.ifPresent(lease -> log.info("adopted the previous run's lease node={} lease={}", node,
          Long.toHexString(lease)));
      return adopted;
    } catch (ElectionException | RuntimeException e) {
      log.warn("previous run's lease not adopted node={} error={}", node, ActionRunner.message(e));
      return Optional.empty();
    }
  }

  /**
   * Starts draining and ticking with the lease {@link #adoptPreviousLease} took over, if any. The first tick reads the
   * kernel: an address found bound is kept only while Hetzner routes the IP here. The machine campaigns (with the
   * adopted lease: same key, same term) once the apiserver is healthy.
   */
  public void start(Optional<Long> adoptedLease) {
    adoptedLease.ifPresent(lease -> inbox.post(new Event.LeaseAdopted(lease)));
    lastBeatNanos = ticker.read();
    started = true;
    inbox.onPost(this::scheduleDrain);
    tickHandle = threads.ticks().every(TICK, this::tick);
    inbox.post(new Event.Tick());
  }

  /** Queues an event; callable from any thread. */
  public void post(Event event) {
    inbox.post(event);
  }

  /** The latest snapshot; never null. */
  public AgentSnapshot snapshot() {
    return snapshot;
  }

  public State state() {
    return context.state();
  }

  /** The loop processed an event (ticks included) recently: the heartbeat behind {@code /healthz}. */
  public boolean alive() {
    return started && (context.state() == State.STOPPED
        || ticker.read() - lastBeatNanos < ALIVE_WINDOW.toNanos());
  }

  /**
   * Graceful stop: resign, revoke, keep the address until the next holder has the IP or the handover timeout
   * passes, unbind. Returns true when STOPPED was reached within {@code bound}; otherwise removes the address
   * directly (best effort) and returns false. Never unassigns the IP.
   */
  public boolean shutdown(Duration bound) throws InterruptedException {
    log.info("shutting down node={} state={} bound={}", settings.node(), context.state(), bound);
    post(new Event.Shutdown());
    boolean done = stopped.await(bound.toNanos(), TimeUnit.NANOSECONDS);
    if (!done && context.address().bound()) {
      log.warn("shutdown bound passed, removing address state={} fip={}", context.state(), takeover.address());
      runner.unbindNow(DRAIN);
    }
    close();
    return done;
  }

  /**
   * Stops ticking and the workers, after letting queued etcd calls (a resign, a revoke) and {@code ip} calls finish
   * (bounded by {@link #DRAIN}): they must run before etcd is closed. Does not resign (use {@link #shutdown}).
   */
  @Override
  public void close() {
    try {
      tickHandle.close();
    } catch (Exception e) {
      log.warn("tick stop failed error={}", ActionRunner.message(e));
    }
    inbox.onPost(() -> { });
    if (!threads.shutdown(DRAIN)) {
      log.warn("workers still busy after {} node={}", DRAIN, settings.node());
    }
  }

  private void tick() {
    if (tickPending.compareAndSet(false, true)) {
      inbox.post(new Event.Tick());
    }
  }

  private void scheduleDrain() {
    if (started && draining.compareAndSet(false, true)) {
      try {
        threads.loop().execute(this::drain);
      } catch (RuntimeException e) {
        draining.set(false);
        log.warn("loop stopped, event not processed error={}", ActionRunner.message(e));
      }
    }
  }

  private void drain() {
    try {
      Event e;
      while ((e = inbox.poll()) != null) {
        handle(e);
      }
    } finally {
      draining.set(false);
    }
    if (!inbox.isEmpty()) {
      scheduleDrain(); // an event slipped in between the last poll and the flag reset
    }
  }

  private void handle(Event event) {
    long now = ticker.read();
    lastBeatNanos = now;
    if (event instanceof Event.Tick) {
      tickPending.set(false);
    }
    Context before = context;
    LeaderStateMachine.Step step;
    try {
      step = machine.next(before, event, now);
    } catch (RuntimeException e) { // an unknown pair or a broken invariant: keep the last good context
      log.error("event rejected state={} event={} error={}", before.state(), event, e.getMessage());
      return;
    }
    Context after = step.context();
    context = after;
    boolean changed = before.state() != after.state();
    if (changed) {
      lastTransition = clock.instant();
      Term term = after.term() != null ? after.term() : before.term();
      log.info("state from={} to={} event={} term={}", before.state(), after.state(),
          event.getClass().getSimpleName(), term == null ? "-" : term.revision());
    } else if (!(event instanceof Event.Tick)) {
      log.debug("event state={} event={}", after.state(), event);
    }
    AgentSnapshot previous = snapshot;
    snapshot = snapshotOf(after);
    if (changed) {
      notify(() -> observer.onTransition(before.state(), after.state(), event, snapshot));
    } else if (!snapshot.equals(previous)) {
      notify(() -> observer.onSnapshot(snapshot));
    }
    if (changed || listedDifferently(previous, snapshot)) {
      runner.publishAgent(snapshot);
    }
    for (Action action : step.actions()) {
      notify(() -> observer.onAction(action));
      if (action instanceof Action.ReportFailover f) {
        notify(() -> observer.onFailoverCompleted(f.elapsed()));
      }
      runner.run(action);
    }
    if (after.state() == State.STOPPED && before.state() != State.STOPPED) {
      log.info("stopped node={} fip={}", settings.node(), takeover.address());
      stopped.countDown();
    }
  }

  /**
   * Whether {@code fipkeeper status} would show the agent differently, apart from the times and the last error (those
   * ride along with the next change): what is worth a write to etcd. Ticks change none of these.
   */
  private static boolean listedDifferently(AgentSnapshot a, AgentSnapshot b) {
    return a.state() != b.state() || !Objects.equals(a.leader(), b.leader()) || a.epoch() != b.epoch()
        || a.bound() != b.bound() || !Objects.equals(a.assignedServer(), b.assignedServer())
        || a.apiserverHealthy() != b.apiserverHealthy() || a.credentialsRejected() != b.credentialsRejected()
        || !Objects.equals(a.lastResignation(), b.lastResignation()) || a.serverId() != b.serverId();
  }

  /** The fence's local half: still acting for this very term and inside the safe window right now. */
  private boolean locallyLeading(Term term) {
    Context c = context;
    return c.acting()
        && term.equals(c.term())
        && ticker.read() < machine.suspendDeadline(c);
  }

  private AgentSnapshot snapshotOf(Context c) {
    String leader = c.acting() ? settings.node() : c.peers().leader();
    long epoch = c.term() != null ? c.term().revision() : c.peers().holder() != null ? c.peers().holder().epoch() : 0;
    return new AgentSnapshot(settings.node(), settings.serverId(), c.state(), leader, takeover.address(),
        c.routing().server(), c.address().bound(), epoch, lastTransition, c.lastError(), c.apiserverHealthy(),
        c.routing().credentialsRejected(), c.lastResignation());
  }

  private static void notify(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      log.warn("observer failed error={}", ActionRunner.message(e));
    }
  }

  private static InetAddress literal(String ip) {
    if (ip == null || ip.isBlank() || !(ip.indexOf(':') >= 0 || Character.isDigit(ip.charAt(0)))) {
      throw new IllegalArgumentException("floating IP: not an IP literal, got \"" + ip + "\"");
    }
    try {
      return InetAddress.getByName(ip); // a literal: no DNS lookup
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("floating IP: not an IP literal, got \"" + ip + "\"", e);
    }
  }
}
