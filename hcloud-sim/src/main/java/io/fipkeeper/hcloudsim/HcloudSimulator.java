package io.fipkeeper.hcloudsim;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A local Hetzner Cloud API (floating IPs, actions, servers, metadata) on a real loopback HTTP port, in the manner of
 * OkHttp's MockWebServer: build, {@link #start()}, point a client at {@link #apiUrl()}, then assert on
 * {@link #history()} and {@link #requests()}. Token values are never stored in what it records, only their labels.
 * Thread-safe.
 */
public final class HcloudSimulator implements AutoCloseable {
  private final String host;
  private final int requestedPort;
  private final SimState state;
  private final Recorder recorder = new Recorder();
  private final TokenRegistry tokens = new TokenRegistry();
  private final HoldBook holds;
  private final SimHttpServer server;
  private volatile InetSocketAddress address;

  private HcloudSimulator(Builder b) {
    this.host = b.host;
    this.requestedPort = b.port;
    this.state = new SimState(b.clock, b.rateLimit, b.rateLimitPeriod, b.actionDuration);
    b.tokens.forEach(tokens::add);
    this.holds = new HoldBook(b.clock);
    if (b.addressPool != null) {
      state.setAddressPool(b.addressPool);
    }
    ApiResources resources = new ApiResources(state, this::apiUrl);
    Dispatcher dispatcher = new Dispatcher(
        new ApiHandler(state, resources, tokens, recorder),
        new MetadataHandler(state),
        new ControlHandler(state, recorder, new TokenAndHoldControl(tokens, holds, recorder)),
        recorder,
        b.clock,
        holds);
    this.server = new SimHttpServer(dispatcher);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Binds the port and starts serving; returns this. */
  public synchronized HcloudSimulator start() {
    if (address != null) {
      throw new IllegalStateException("simulator already started on " + address);
    }
    try {
      address = server.bind(host, requestedPort);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while binding " + host + ":" + requestedPort, e);
    }
    return this;
  }

  @Override
  public void close() {
    server.close();
  }

  public int port() {
    return bound().getPort();
  }

  /** {@code http://HOST:PORT/v1}. */
  public URI apiUrl() {
    return base().resolve("/v1");
  }

  /** The metadata base of one server; {@code /hostname}, {@code /instance-id}... resolve below it. */
  public URI metadataUrl(long serverId) {
    return base().resolve("/metadata/" + serverId + "/hetzner/v1/metadata");
  }

  /** {@code http://HOST:PORT/_sim}, the unauthenticated control API. */
  public URI controlUrl() {
    return base().resolve("/_sim");
  }

  public long createServer(String name, String publicIpv4) {
    return state.createServer(Objects.requireNonNull(name, "name"), Objects.requireNonNull(publicIpv4, "publicIpv4"));
  }

  /** Creates an unassigned floating IP; its type is ipv6 when {@code ip} contains ':' (stored as a /64). */
  public long createFloatingIp(String name, String ip, Map<String, String> labels) {
    return state.createFloatingIp(Objects.requireNonNull(name, "name"), Objects.requireNonNull(ip, "ip"),
        labels == null ? Map.of() : labels, null);
  }

  /** The server the floating IP is assigned to now (after any finished action), or null. */
  public Long floatingIpServer(long fipId) {
    SimEntities.FloatingIp fip = state.floatingIp(fipId);
    if (fip == null) {
      throw new IllegalArgumentException("unknown floating ip " + fipId);
    }
    return fip.server();
  }

  /** Test setup: assigns without an action and without recording a call. */
  public void assignDirectly(long fipId, Long serverId) {
    state.assignDirectly(fipId, serverId);
  }

  /** How long future assign/unassign actions stay running. */
  public void setActionDuration(Duration d) {
    state.setActionDuration(d);
  }

  public void inject(FaultRule rule) {
    state.inject(Objects.requireNonNull(rule, "rule"));
  }

  public void clearFaults() {
    state.clearFaults();
  }

  /** Accepts one more token from now on, under {@code label} (rotation: add the new token, then revoke the old). */
  public void addToken(String label, String value) {
    tokens.add(label, value);
  }

  /** Answers the token with this label 401 from now on ({@code false}: accepts it again). */
  public void revokeToken(String label, boolean revoked) {
    tokens.setRevoked(label, revoked);
  }

  /**
   * Holds the next {@code count} requests to {@code endpoint} (assigns: only those for {@code server}, when not
   * null) for {@code hold} before they are executed and answered.
   */
  public void hold(Endpoint endpoint, Long server, int count, Duration hold) {
    holds.add(new HoldBook.Rule(endpoint, server, count, hold));
  }

  /** Assign/unassign calls and server deletions in arrival order, failed ones included (see {@link RecordedCall}). */
  public List<RecordedCall> history() {
    return recorder.calls();
  }

  /** Every API and metadata request in arrival order (control calls excluded). */
  public List<RecordedRequest> requests() {
    return recorder.requests();
  }

  /** The next request not yet taken, waiting up to {@code timeout}; null on timeout. */
  public RecordedRequest takeRequest(Duration timeout) throws InterruptedException {
    return recorder.take(timeout);
  }

  public int requestCount() {
    return recorder.requestCount();
  }

  public RateLimitState rateLimitState() {
    return state.rateLimitState();
  }

  private InetSocketAddress bound() {
    InetSocketAddress a = address;
    if (a == null) {
      throw new IllegalStateException("simulator not started");
    }
    return a;
  }

  private URI base() {
    // A wildcard bind (0.0.0.0) is reachable on loopback; hand out a URL a client can actually use.
    java.net.InetAddress a = bound().getAddress();
    String h = a.isAnyLocalAddress() ? "127.0.0.1" : a.getHostAddress();
    return URI.create("http://" + (h.contains(":") ? "[" + h + "]" : h) + ":" + bound().getPort());
  }

  /** Builder; defaults: 127.0.0.1, free port, no tokens (any Bearer token accepted), 0s actions, 3600/h. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port;
    private final Map<String, String> tokens = new LinkedHashMap<>();
    private Duration actionDuration = Duration.ZERO;
    private int rateLimit = 3600;
    private Duration rateLimitPeriod = Duration.ofHours(1);
    private SimClock clock = SimClock.system();
    private AddressPool addressPool;

    private Builder() {}

    /**
     * The public IPv4 range {@code POST /servers} hands out, e.g. {@code 198.51.100.14-198.51.100.39}; default
     * {@value SimState#DEFAULT_ADDRESS_POOL}.
     */
    public Builder serverAddressPool(String range) {
      this.addressPool = AddressPool.parse(Objects.requireNonNull(range, "range"));
      return this;
    }

    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /** 0 picks a free port. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be in 0..65535, was " + port);
      }
      this.port = port;
      return this;
    }

    /** Accepts {@code Bearer value}; history and requests show {@code label}. Repeatable. */
    public Builder token(String label, String value) {
      Objects.requireNonNull(label, "label");
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException("token value for label '" + label + "' must not be blank");
      }
      if (tokens.containsValue(value)) {
        throw new IllegalArgumentException("token for label '" + label + "' is already registered");
      }
      tokens.put(label, value);
      return this;
    }

    public Builder actionDuration(Duration d) {
      if (d.isNegative()) {
        throw new IllegalArgumentException("actionDuration must not be negative, was " + d);
      }
      this.actionDuration = d;
      return this;
    }

    /** Bucket capacity and the time an empty bucket takes to refill completely. */
    public Builder rateLimit(int limit, Duration period) {
      if (limit < 1) {
        throw new IllegalArgumentException("rateLimit limit must be >= 1, was " + limit);
      }
      if (period.isZero() || period.isNegative()) {
        throw new IllegalArgumentException("rateLimit period must be positive, was " + period);
      }
      this.rateLimit = limit;
      this.rateLimitPeriod = period;
      return this;
    }

    public Builder clock(SimClock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public HcloudSimulator build() {
      return new HcloudSimulator(this);
    }
  }
}
