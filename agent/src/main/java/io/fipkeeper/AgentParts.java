package io.fipkeeper;

import io.fipkeeper.Agent.AgentStartException;
import io.fipkeeper.config.AgentConfig;
import io.fipkeeper.config.TokenSource;
import io.fipkeeper.etcd.EarlyConnection;
import io.fipkeeper.etcd.ElectionIdentity;
import io.fipkeeper.etcd.EtcdElection;
import io.fipkeeper.etcd.EtcdReachability;
import io.fipkeeper.etcd.EtcdSettings;
import io.fipkeeper.hcloud.DualStackTakeover;
import io.fipkeeper.hcloud.FloatingIpAssigner;
import io.fipkeeper.hcloud.FloatingIpRef;
import io.fipkeeper.hcloud.HcloudClient;
import io.fipkeeper.hcloud.HcloudException;
import io.fipkeeper.hcloud.MetadataClient;
import io.fipkeeper.hcloud.RateLimit;
import io.fipkeeper.hcloud.TokenProvider;
import io.fipkeeper.leader.LeaderSettings;
import io.fipkeeper.leader.port.AddressBinder;
import io.fipkeeper.leader.port.ElectionEvent;
import io.fipkeeper.leader.port.FloatingIpTakeover;
import io.fipkeeper.leader.port.FloatingIpTakeover.TakeoverException;
import io.fipkeeper.leader.runtime.EventInbox;
import io.fipkeeper.leader.runtime.LeaderLoop;
import io.fipkeeper.metrics.AgentMetrics;
import io.fipkeeper.metrics.MetricsObserver;
import io.fipkeeper.net.DualStackBinder;
import io.fipkeeper.net.InterfaceResolver;
import io.fipkeeper.net.IpCommandBinder;
import io.fipkeeper.net.RecordingBinder;
import io.fipkeeper.observe.ObserveReport;
import io.fipkeeper.observe.ObservingBinder;
import io.fipkeeper.observe.ObservingTakeover;
import io.fipkeeper.observe.ShadowRouting;
import io.fipkeeper.time.Ticker;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The collaborators of one agent, built from its configuration in dependency order. Every failure becomes an
 * {@link AgentStartException} with one secret-free line naming what could not be reached or read.
 */
final class AgentParts implements AutoCloseable {

  private final long serverId;
  private final FloatingIpTakeover takeover;
  private final AddressBinder binder;
  private final EventInbox inbox;
  private final EtcdElection election;
  private final AgentMetrics metrics;
  private final EtcdReachability etcdReachability;
  private final LeaderSettings leaderSettings;
  private final String version;
  /** Present in observe mode only: what the agent would have done and what it really saw. */
  private final Optional<ObserveReport> observeReport;
  /** The previous run's lease, kept alive since start-up, when there was one to adopt. */
  private final Optional<Long> adoptedLease;
  private final TokenProvider tokens;

  private AgentParts(long serverId, FloatingIpTakeover takeover, AddressBinder binder, EventInbox inbox,
      EtcdElection election, AgentMetrics metrics, EtcdReachability etcdReachability, LeaderSettings leaderSettings,
      String version, Optional<ObserveReport> observeReport, Optional<Long> adoptedLease, TokenProvider tokens) {
    this.serverId = serverId;
    this.takeover = takeover;
    this.binder = binder;
    this.inbox = inbox;
    this.election = election;
    this.metrics = metrics;
    this.etcdReachability = etcdReachability;
    this.leaderSettings = leaderSettings;
    this.version = version;
    this.observeReport = observeReport;
    this.adoptedLease = adoptedLease;
    this.tokens = tokens;
  }

  /**
   * Builds the parts in the order a restarted leader needs them: its lease must be kept alive before etcd expires it
   * (1-2.5 s after a crash with a 2 s TTL), so the etcd client is made and connected on its own thread from the start
   * ({@link EarlyConnection}), and the previous run's lease is adopted as soon as the election key can be named (it
   * needs the server id and the floating IP's address from Hetzner) — before the metrics, the binder and the HTTP
   * server, which the adoption does not need. Adoption only keeps the lease alive: nothing is assigned or bound until
   * the loop runs and the machine decides so (fenced as always).
   */
  static AgentParts assemble(AgentConfig config, Optional<AddressBinder> binderOverride, StartupTimeline timeline)
      throws AgentStartException {
    timeline.mark("config");
    String version = io.fipkeeper.cli.BuildInfo.version();
    EtcdSettings etcd = etcdSettings(config.etcd());
    EarlyConnection early = EarlyConnection.start(etcd, config.electionPrefix(), config.node());
    AtomicReference<AgentMetrics> metricsRef = new AtomicReference<>();
    EtcdElection election = null;
    try {
      Hcloud hcloud = Hcloud.connect(config, metricsRef);
      timeline.mark("hcloud-client");
      long serverId = resolveServerId(config);
      timeline.mark("server-id");
      FloatingIpAssigner ipv4 = assigner(hcloud, config, config.floatingIp(), serverId);
      String address = fetchAddress(ipv4, config.floatingIp());
      timeline.mark("floating-ip");

      Ticker ticker = Ticker.system();
      EventInbox inbox = new EventInbox(ticker);
      // the metrics do not exist yet: a keep-alive failure in the first few hundred milliseconds is not counted
      EtcdReachability reachability = new EtcdReachability(inbox, () -> {
        AgentMetrics m = metricsRef.get();
        if (m != null) {
          m.keepAliveFailed();
        }
      });
      Consumer<ElectionEvent> listener = reachability;
      ShadowRouting shadow = null;
      if (config.mode() == AgentConfig.Mode.OBSERVE) {
        shadow = new ShadowRouting();
        listener = shadow.tap(reachability);
      }
      // keep-alive send times are readings of the ticker the loop decides on
      election = new EtcdElection(etcd, early.take(), config.electionPrefix(), address,
          ElectionIdentity.of(config.node(), serverId), config.etcd().leaseTtl(), ticker, listener);
      timeline.mark("etcd-client");
      Optional<Long> adopted = LeaderLoop.adoptPreviousLease(election, config.node());
      timeline.mark("adoption");

      AgentMetrics metrics = new AgentMetrics(config.node(), address, version);
      metricsRef.set(metrics);
      timeline.mark("metrics");
      AddressBinder binder = binderOverride.isPresent() ? binderOverride.get() : binder(config);
      FloatingIpTakeover takeover = ipv4;
      if (config.floatingIpV6().isPresent()) {
        FloatingIpAssigner ipv6 = assigner(hcloud, config, config.floatingIpV6().get(), serverId);
        String address6 = fetchAddress(ipv6, config.floatingIpV6().get());
        takeover = new DualStackTakeover(ipv4, ipv6, serverId);
        binder = new DualStackBinder(binder, InetAddress.getByName(address), InetAddress.getByName(address6));
      }
      LeaderSettings settings = leaderSettings(config, serverId);
      Optional<ObserveReport> report = Optional.empty();
      metrics.setObserveMode(shadow != null);
      if (shadow != null) {
        // the state machine runs unchanged against would-be ports: nothing below ever assigns or changes an address
        ObserveReport r = new ObserveReport(address, metrics::recordWouldAction);
        takeover = new ObservingTakeover(takeover, serverId, shadow, r);
        binder = new ObservingBinder(binder, r);
        report = Optional.of(r);
      }
      return new AgentParts(serverId, takeover, binder, inbox, election, metrics, reachability, settings, version,
          report, adopted, hcloud.tokens());
    } catch (AgentStartException | UnknownHostException | RuntimeException e) {
      // a crash, as far as etcd can tell: an adopted lease is not revoked, it expires and another node wins
      if (election != null) {
        election.close();
      } else {
        early.close();
      }
      if (e instanceof AgentStartException start) {
        throw start;
      }
      throw new AgentStartException("start-up failed: " + oneLine(e), e);
    }
  }

  private static FloatingIpAssigner assigner(Hcloud hcloud, AgentConfig config, FloatingIpRef ref, long serverId) {
    return new FloatingIpAssigner(hcloud.client(), ref, serverId, config.hcloud().actionPollInterval(),
        config.hcloud().actionTimeout());
  }

  private static LeaderSettings leaderSettings(AgentConfig config, long serverId) {
    return LeaderSettings.withTtl(config.node(), serverId, config.etcd().leaseTtl())
        .withHandoverTimeout(config.handoverTimeout())
        .withApiserverProbe(config.apiserver().enabled())
        // re-read Hetzner one request timeout after a takeover: a stale POST has landed or been given up by then
        .withHetznerTimings(config.hcloud().verifyInterval(), config.takeoverTimeout(),
            config.hcloud().requestTimeout());
  }

  private static long resolveServerId(AgentConfig config) throws AgentStartException {
    if (config.hcloud().serverId().isPresent()) {
      return config.hcloud().serverId().get();
    }
    try {
      return new MetadataClient(config.hcloud().metadataUrl()).instanceId();
    } catch (HcloudException | RuntimeException e) {
      throw new AgentStartException("cannot read this server's id from the metadata service "
          + config.hcloud().metadataUrl() + " (set hcloud.serverId to skip it): " + oneLine(e), e);
    }
  }

  private static String fetchAddress(FloatingIpAssigner takeover, FloatingIpRef ref) throws AgentStartException {
    try {
      return takeover.fetch().bindAddress();
    } catch (TakeoverException e) {
      throw new AgentStartException("cannot look up the floating IP (" + ref + "): " + e.getMessage(), e);
    }
  }

  private static AddressBinder binder(AgentConfig config) throws AgentStartException {
    if (config.binder() == AgentConfig.BinderKind.RECORDING) {
      String name = AgentConfig.AUTO_INTERFACE.equals(config.interfaceName()) ? "recording0" : config.interfaceName();
      return new RecordingBinder(name);
    }
    try {
      return new IpCommandBinder(new InterfaceResolver().resolve(config.interfaceName()));
    } catch (IOException | RuntimeException e) {
      throw new AgentStartException("cannot use interface \"" + config.interfaceName() + "\": " + oneLine(e), e);
    }
  }

  static EtcdSettings etcdSettings(io.fipkeeper.config.EtcdSettings etcd) {
    return new EtcdSettings(etcd.endpoints(), etcd.caFile().orElse(null), etcd.certFile().orElse(null),
        etcd.keyFile().orElse(null), etcd.dialTimeout());
  }

  static String oneLine(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.replaceAll("\\s+", " ").strip();
  }

  /** Where the Hetzner client gets its token (re-read on every use). */
  TokenProvider tokens() {
    return tokens;
  }

  long serverId() {
    return serverId;
  }

  FloatingIpTakeover takeover() {
    return takeover;
  }

  AddressBinder binder() {
    return binder;
  }

  EventInbox inbox() {
    return inbox;
  }

  EtcdElection election() {
    return election;
  }

  AgentMetrics metrics() {
    return metrics;
  }

  EtcdReachability etcdReachability() {
    return etcdReachability;
  }

  LeaderSettings leaderSettings() {
    return leaderSettings;
  }

  MetricsObserver observer() {
    return new MetricsObserver(metrics, serverId, observeReport.isPresent());
  }

  /** Observe mode's report; empty in active mode. */
  Optional<ObserveReport> observeReport() {
    return observeReport;
  }

  String version() {
    return version;
  }

  /** The previous run's lease this start-up adopted (the loop starts with it), if any. */
  Optional<Long> adoptedLease() {
    return adoptedLease;
  }

  @Override
  public void close() {
    election.close();
    metrics.close();
  }

  /** The Hetzner client with its request counter wired to the metrics (once they exist). */
  record Hcloud(HcloudClient client, TokenProvider tokens) {

    static Hcloud connect(AgentConfig config, AtomicReference<AgentMetrics> metrics) throws AgentStartException {
      // re-read on every request (docs/configuration.md): a rotated Secret is used without a restart
      TokenSource source = config.hcloud().token();
      TokenProvider tokens = TokenProvider.rereading(source::read, source.description());
      try {
        tokens.token(); // fail the start-up at once, with one line, when there is no usable token
      } catch (IllegalStateException e) {
        throw new AgentStartException(oneLine(e), e);
      }
      AtomicReference<HcloudClient> self = new AtomicReference<>();
      HcloudClient client = HcloudClient.builder()
          .baseUrl(config.hcloud().endpoint())
          .tokens(tokens)
          .userAgent("fipkeeper/" + io.fipkeeper.cli.BuildInfo.version())
          .requestTimeout(config.hcloud().requestTimeout())
          .listener((operation, code) -> {
            AgentMetrics m = metrics == null ? null : metrics.get();
            if (m == null) {
              return;
            }
            m.hcloudResponse(operation, code);
            HcloudClient c = self.get();
            RateLimit limit = c == null ? null : c.lastRateLimit();
            if (limit != null) {
              m.setRateLimit(limit.limit(), limit.remaining());
            }
          })
          .build();
      self.set(client);
      return new Hcloud(client, tokens);
    }

    String resolveAddress(FloatingIpRef ref) throws AgentStartException {
      try {
        return FloatingIpAssigner.lookup(client, ref).bindAddress();
      } catch (TakeoverException e) {
        throw new AgentStartException("cannot look up the floating IP (" + ref + "): " + e.getMessage(), e);
      }
    }
  }
}
