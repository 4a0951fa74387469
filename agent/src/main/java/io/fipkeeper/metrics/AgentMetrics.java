package io.fipkeeper.metrics;

import io.fipkeeper.leader.Action;
import io.fipkeeper.leader.State;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Every meter the agent exports, registered once at construction so each series exists (at 0) from the first
 * scrape. Meter names live here as constants and nowhere else; docs/observability.md lists them as exported.
 *
 * <p>All setters are thread-safe and cheap (an atomic write or a counter increment); they may be called from the
 * leader loop while the HTTP thread scrapes. Names are Micrometer (dotted) names; the Prometheus naming
 * convention turns dots into underscores, adds {@code _total} to counters and {@code _seconds} to timers.
 * Never pass anything secret as a tag value: tags are exported verbatim.
 */
public final class AgentMetrics implements AutoCloseable {

  /** Gauge 0/1: this agent holds the election lease. Exported as {@code fipkeeper_leader}. */
  public static final String LEADER = "fipkeeper.leader";
  /** Gauge 0/1: Hetzner last reported the floating IP on this server. */
  public static final String ASSIGNED_TO_SELF = "fipkeeper.floating_ip.assigned_to_self";
  /** Gauge 0/1: the address is bound on the local interface. */
  public static final String ADDRESS_BOUND = "fipkeeper.address.bound";
  /** Gauge per state value, 1 for the current state. */
  public static final String STATE = "fipkeeper.state";
  /** Counter: leadership won or lost by this agent. */
  public static final String LEADER_TRANSITIONS = "fipkeeper.leader.transitions";
  /** Counter per (from, to) state pair. */
  public static final String STATE_TRANSITIONS = "fipkeeper.state.transitions";
  /** Timer (histogram): leadership won to IP assigned and bound. */
  public static final String FAILOVER_DURATION = "fipkeeper.failover.duration";
  /** Counter per (operation, code) Hetzner API response. */
  public static final String HCLOUD_REQUESTS = "fipkeeper.hcloud.requests";
  /** Gauge: last RateLimit-Remaining header seen. */
  public static final String HCLOUD_RATELIMIT_REMAINING = "fipkeeper.hcloud.ratelimit.remaining";
  /** Gauge: last RateLimit-Limit header seen. */
  public static final String HCLOUD_RATELIMIT_LIMIT = "fipkeeper.hcloud.ratelimit.limit";
  /** Counter: etcd lease keep-alive errors. */
  public static final String ETCD_KEEPALIVE_FAILURES = "fipkeeper.etcd.keepalive.failures";
  /** Gauge 0/1: the local apiserver probe's verdict. */
  public static final String APISERVER_HEALTHY = "fipkeeper.apiserver.healthy";
  /** Gauge: current term revision if leading, else the last seen holder epoch. */
  public static final String EPOCH = "fipkeeper.epoch";
  /** Gauge 0/1: Hetzner's last verdict on the API token was a 401/403. */
  public static final String HCLOUD_CREDENTIALS_REJECTED = "fipkeeper.hcloud.credentials.rejected";
  /** Counter per reason: won terms given up because their takeover could not complete. */
  public static final String TAKEOVERS_GIVEN_UP = "fipkeeper.takeovers.given.up";
  /** Counter per repair: the address re-bound, the IP re-assigned, a stray address released. */
  public static final String REPAIRS = "fipkeeper.repairs";
  /** Counter: reads of Hetzner after a SUSPENDED → LEADING recovery deferred to keep them 30 s apart. */
  public static final String RECOVERY_VERIFIES_DEFERRED = "fipkeeper.recovery.verifies.deferred";
  /** Gauge per mode value ({@code active}, {@code observe}), 1 for the configured mode. */
  public static final String MODE = "fipkeeper.mode";
  /** Gauge 0/1, observe mode only: this agent's election would have it hold the floating IP now. */
  public static final String OBSERVE_WOULD_HOLD = "fipkeeper.observe.would.hold";
  /** Counter per action, observe mode only: an assign, bind or unbind the agent would have made but did not. */
  public static final String OBSERVE_WOULD_ACTIONS = "fipkeeper.observe.would.actions";
  /** Gauge 1 with the agent version as a tag. */
  public static final String BUILD_INFO = "fipkeeper.build.info";
  /** Gauge (seconds since the epoch, base unit appended): when the last error happened, 0 if none. */
  public static final String LAST_ERROR_TIMESTAMP = "fipkeeper.last.error.timestamp";

  /** Exported as {@code process_resident_memory_bytes}, the name the Prometheus client libraries use. */
  public static final String PROCESS_RESIDENT_MEMORY = "process.resident.memory";
  /** Exported as {@code process_cpu_seconds_total}, the name the Prometheus client libraries use. */
  public static final String PROCESS_CPU = "process.cpu";
  public static final String TAG_NODE = "node";
  public static final String TAG_FLOATING_IP = "floating_ip";
  public static final String TAG_STATE = "state";
  public static final String TAG_FROM = "from";
  public static final String TAG_TO = "to";
  public static final String TAG_OPERATION = "operation";
  public static final String TAG_CODE = "code";
  public static final String TAG_VERSION = "version";
  public static final String TAG_REASON = "reason";
  public static final String TAG_REPAIR = "repair";
  public static final String TAG_MODE = "mode";
  public static final String TAG_ACTION = "action";

  /** What an agent in observe mode would have done but did not (the {@code action} tag of {@link #OBSERVE_WOULD_ACTIONS}). */
  public enum WouldAction {
    /** Ask Hetzner to route the floating IP to this server. */
    ASSIGN,
    /** Add the address to the interface. */
    BIND,
    /** Remove the address from the interface. */
    UNBIND
  }

  /** Content type of {@link #scrape()}: Prometheus text format 0.0.4. */
  public static final String TEXT_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  /** Content type of {@link #scrapeOpenMetrics()}. */
  public static final String OPENMETRICS_CONTENT_TYPE = "application/openmetrics-text; version=1.0.0; charset=utf-8";

  /**
   * Failover histogram buckets in seconds: a handover on a healthy project takes a few seconds (lease TTL plus
   * one assign action); the tail up to 60 s covers Hetzner action timeouts and 429 back-off.
   */
  static final double[] FAILOVER_BUCKETS_SECONDS = {0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 20, 30, 60};

  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gcMetrics;

  // Gauge holders: Micrometer keeps only weak references to gauge state, so the fields keep them alive.
  private final AtomicBoolean leader = new AtomicBoolean();
  private final AtomicBoolean assignedToSelf = new AtomicBoolean();
  private final AtomicBoolean bound = new AtomicBoolean();
  private final AtomicBoolean apiserverHealthy = new AtomicBoolean();
  private final AtomicBoolean credentialsRejected = new AtomicBoolean();
  private final AtomicReference<State> state = new AtomicReference<>();
  private final AtomicLong epoch = new AtomicLong();
  private final AtomicLong rateLimitLimit = new AtomicLong(-1);
  private final AtomicLong rateLimitRemaining = new AtomicLong(-1);
  private final AtomicLong lastErrorEpochMillis = new AtomicLong();
  private final AtomicBoolean observeMode = new AtomicBoolean();
  private final AtomicBoolean wouldHold = new AtomicBoolean();

  private final Counter leaderTransitions;
  private final Counter keepAliveFailures;
  private final Counter recoveryVerifiesDeferred;
  private final Timer failoverDuration;
  private final Map<Action.GiveUp, Counter> givenUp = new EnumMap<>(Action.GiveUp.class);
  private final Map<Action.Repair, Counter> repairs = new EnumMap<>(Action.Repair.class);
  private final Map<WouldAction, Counter> wouldActions = new EnumMap<>(WouldAction.class);

  /** Creates its own Prometheus registry. */
  public AgentMetrics(String node, String floatingIp, String version) {
    this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), node, floatingIp, version);
  }

  /**
   * Registers every meter on {@code registry} and sets the common tags {@code node} and {@code floating_ip} on it,
   * so every meter registered afterwards (JVM ones included) carries them. Pass a fresh registry: meters registered
   * before this constructor runs do not get the common tags.
   */
  public AgentMetrics(PrometheusMeterRegistry registry, String node, String floatingIp, String version) {
    this.registry = Objects.requireNonNull(registry, "registry");
    registry.config().commonTags(
        Tags.of(TAG_NODE, nonNull(node, "node"), TAG_FLOATING_IP, nonNull(floatingIp, "floatingIp")));
    // `promtool check metrics` flags two of Micrometer's binder meters: process_cpu_time_ns_total (a unit abbreviation
    // in the name) and system_cpu_count (a _count suffix on a gauge). The CPU time is exported as
    // process_cpu_seconds_total below instead; the CPU count is dropped (node_exporter has it).
    registry.config().meterFilter(MeterFilter.deny(
        id -> id.getName().equals("process.cpu.time") || id.getName().equals("system.cpu.count")));

    flag(LEADER, leader, "1 while this agent holds the election lease");
    flag(ASSIGNED_TO_SELF, assignedToSelf, "1 while Hetzner reports the floating IP on this server");
    flag(ADDRESS_BOUND, bound, "1 while the floating IP is bound on the local interface");
    flag(APISERVER_HEALTHY, apiserverHealthy, "1 while the local apiserver probe passes");
    flag(HCLOUD_CREDENTIALS_REJECTED, credentialsRejected,
        "1 while Hetzner's last verdict on the API token was 401/403 (this node cannot take the IP over)");
    for (State s : State.values()) {
      Gauge.builder(STATE, state, current -> current.get() == s ? 1 : 0)
          .tag(TAG_STATE, s.name())
          .description("1 for the agent's current leader state, 0 for the others")
          .register(registry);
    }
    for (boolean observe : new boolean[] {false, true}) {
      Gauge.builder(MODE, observeMode, current -> current.get() == observe ? 1 : 0)
          .tag(TAG_MODE, observe ? "observe" : "active")
          .description("1 for the configured mode (observe: elects and reports, never assigns or binds), 0 for the other")
          .register(registry);
    }
    flag(OBSERVE_WOULD_HOLD, wouldHold,
        "1 while this agent, in observe mode, would hold the floating IP (always 0 in active mode)");
    Gauge.builder(EPOCH, epoch, AtomicLong::get)
        .description("current term revision if leading, else the last seen holder epoch")
        .register(registry);
    Gauge.builder(HCLOUD_RATELIMIT_LIMIT, rateLimitLimit, AtomicLong::get)
        .description("last RateLimit-Limit header from the Hetzner API (-1 until seen)")
        .register(registry);
    Gauge.builder(HCLOUD_RATELIMIT_REMAINING, rateLimitRemaining, AtomicLong::get)
        .description("last RateLimit-Remaining header from the Hetzner API (-1 until seen)")
        .register(registry);
    Gauge.builder(LAST_ERROR_TIMESTAMP, lastErrorEpochMillis, millis -> millis.get() / 1000.0)
        .baseUnit("seconds")
        .description("unix time of the last error the agent recorded, 0 if none")
        .register(registry);
    Gauge.builder(BUILD_INFO, () -> 1)
        .tag(TAG_VERSION, nonNull(version, "version"))
        .description("always 1; the version label names the running agent build")
        .register(registry);

    leaderTransitions = Counter.builder(LEADER_TRANSITIONS)
        .description("times this agent won or lost leadership")
        .register(registry);
    keepAliveFailures = Counter.builder(ETCD_KEEPALIVE_FAILURES)
        .description("etcd lease keep-alive errors seen by this agent")
        .register(registry);
    recoveryVerifiesDeferred = Counter.builder(RECOVERY_VERIFIES_DEFERRED)
        .description("reads of Hetzner after a recovery from SUSPENDED deferred to keep them 30 s apart")
        .register(registry);
    for (Action.GiveUp reason : Action.GiveUp.values()) {
      givenUp.put(reason, Counter.builder(TAKEOVERS_GIVEN_UP)
          .description("won terms given up because the takeover could not complete, by reason")
          .tag(TAG_REASON, reason.name().toLowerCase(Locale.ROOT))
          .register(registry));
    }
    for (Action.Repair repair : Action.Repair.values()) {
      repairs.put(repair, Counter.builder(REPAIRS)
          .description("repairs of the address or the assignment, by kind")
          .tag(TAG_REPAIR, repair.name().toLowerCase(Locale.ROOT))
          .register(registry));
    }
    for (WouldAction action : WouldAction.values()) {
      wouldActions.put(action, Counter.builder(OBSERVE_WOULD_ACTIONS)
          .description("assigns, binds and unbinds this agent would have made in active mode (observe mode only)")
          .tag(TAG_ACTION, action.name().toLowerCase(Locale.ROOT))
          .register(registry));
    }
    failoverDuration = Timer.builder(FAILOVER_DURATION)
        .description("time from winning leadership to the floating IP assigned here and bound")
        .serviceLevelObjectives(bucketDurations())
        .publishPercentileHistogram(false)
        .register(registry);

    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    gcMetrics = new JvmGcMetrics();
    gcMetrics.bindTo(registry);
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      FunctionCounter.builder(PROCESS_CPU, os, bean -> bean.getProcessCpuTime() / 1e9)
          .description("CPU time used by this process")
          .baseUnit("seconds")
          .register(registry);
    }
    // Micrometer core has no resident-memory meter; the RSS budget (96 MiB) is what the chart's limits are sized on
    Gauge.builder(PROCESS_RESIDENT_MEMORY, ResidentMemory::bytes)
        .description("resident set size of this process (VmRSS from /proc/self/status; -1 where unavailable)")
        .baseUnit("bytes")
        .register(registry);
  }

  /** Sets the leader gauge; a change of value (won or lost) counts one leader transition. */
  public void setLeader(boolean isLeader) {
    if (leader.getAndSet(isLeader) != isLeader) {
      leaderTransitions.increment();
    }
  }

  public void setAssignedToSelf(boolean assigned) {
    assignedToSelf.set(assigned);
  }

  public void setBound(boolean isBound) {
    bound.set(isBound);
  }

  /** Marks {@code current} as the one state whose series reads 1. */
  public void setState(State current) {
    state.set(Objects.requireNonNull(current, "state"));
  }

  /** Counts one state change and makes {@code to} the current state. */
  public void recordTransition(State from, State to) {
    Counter.builder(STATE_TRANSITIONS)
        .description("leader state machine transitions by source and target state")
        .tag(TAG_FROM, Objects.requireNonNull(from, "from").name())
        .tag(TAG_TO, Objects.requireNonNull(to, "to").name())
        .register(registry)
        .increment();
    setState(to);
  }

  /** Records one completed failover: leadership won until the IP was assigned here and bound. */
  public void recordFailover(Duration duration) {
    failoverDuration.record(Objects.requireNonNull(duration, "duration"));
  }

  /**
   * Counts one Hetzner API response. {@code operation} is a fixed name such as {@code assign} or
   * {@code get_floating_ip}; {@code code} is the HTTP status ({@code "200"}, {@code "429"}) or a fixed word for
   * failures without one ({@code "timeout"}, {@code "io_error"}). Both must come from small fixed sets.
   */
  public void hcloudResponse(String operation, String code) {
    Counter.builder(HCLOUD_REQUESTS)
        .description("Hetzner API responses by operation and HTTP status (or failure kind)")
        .tag(TAG_OPERATION, nonNull(operation, "operation"))
        .tag(TAG_CODE, nonNull(code, "code"))
        .register(registry)
        .increment();
  }

  /** Stores the last RateLimit-Limit and RateLimit-Remaining headers seen. */
  public void setRateLimit(int limit, int remaining) {
    rateLimitLimit.set(limit);
    rateLimitRemaining.set(remaining);
  }

  public void keepAliveFailed() {
    keepAliveFailures.increment();
  }

  public void recoveryVerifyDeferred() {
    recoveryVerifiesDeferred.increment();
  }

  public void setCredentialsRejected(boolean rejected) {
    credentialsRejected.set(rejected);
  }

  /** Counts one won term given up for {@code reason}. */
  public void recordGiveUp(Action.GiveUp reason) {
    givenUp.get(Objects.requireNonNull(reason, "reason")).increment();
  }

  /** Counts one repair. */
  public void recordRepair(Action.Repair repair) {
    repairs.get(Objects.requireNonNull(repair, "repair")).increment();
  }

  /** Marks the configured mode: observe ({@code true}) or active. */
  public void setObserveMode(boolean observe) {
    observeMode.set(observe);
  }

  public void setWouldHold(boolean would) {
    wouldHold.set(would);
  }

  /** Counts one action an observing agent would have made. */
  public void recordWouldAction(WouldAction action) {
    wouldActions.get(Objects.requireNonNull(action, "action")).increment();
  }

  public void setApiserverHealthy(boolean healthy) {
    apiserverHealthy.set(healthy);
  }

  public void setEpoch(long value) {
    epoch.set(value);
  }

  /** Stores when the last error happened (a wall-clock time, taken from the caller's clock). */
  public void recordError(Instant when) {
    lastErrorEpochMillis.set(Objects.requireNonNull(when, "when").toEpochMilli());
  }

  /** Every meter in Prometheus text format 0.0.4 ({@link #TEXT_CONTENT_TYPE}). */
  public String scrape() {
    return registry.scrape(TEXT_CONTENT_TYPE);
  }

  /** Every meter in OpenMetrics 1.0 text format ({@link #OPENMETRICS_CONTENT_TYPE}). */
  public String scrapeOpenMetrics() {
    return registry.scrape(OPENMETRICS_CONTENT_TYPE);
  }

  /** The underlying registry, for components that register their own meters. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Unhooks the GC notification listener; the registry itself stays readable. */
  @Override
  public void close() {
    gcMetrics.close();
  }

  private void flag(String name, AtomicBoolean holder, String description) {
    Gauge.builder(name, holder, b -> b.get() ? 1 : 0).description(description).register(registry);
  }

  private static Duration[] bucketDurations() {
    Duration[] buckets = new Duration[FAILOVER_BUCKETS_SECONDS.length];
    for (int i = 0; i < buckets.length; i++) {
      buckets[i] = Duration.ofNanos(Math.round(FAILOVER_BUCKETS_SECONDS[i] * 1e9));
    }
    return buckets;
  }

  private static String nonNull(String value, String name) {
    return Objects.requireNonNull(value, () -> name + " must not be null");
  }
}
