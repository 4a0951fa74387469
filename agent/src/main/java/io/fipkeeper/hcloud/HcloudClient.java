package io.fipkeeper.hcloud;

import com.fasterxml.jackson.databind.JsonNode;
import io.fipkeeper.hcloud.HcloudTransport.Call;
import io.fipkeeper.time.Ticker;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * A small Hetzner Cloud API client for floating IPs, actions and servers, on {@code java.net.http} and
 * Jackson. Every call retries transient failures with capped exponential backoff (hcloud-go's policy, plus
 * rate-limit-aware waits on 429 and retries on 503; see {@link RetryPolicy}); {@code locked} is never retried
 * here. {@link #urgent()} gives a view for takeovers whose retries are short while the budget allows. Thread-safe.
 * The token is asked of the {@link TokenProvider} per request and only ever appears in the {@code Authorization}
 * header.
 */
public final class HcloudClient {
  /** Hetzner caps {@code per_page} at 50; hcloud-go's {@code All*} helpers ask for that. */
  static final int PER_PAGE = 50;
  /** hcloud-go's chunk size for {@code GET /actions?id=...}. */
  static final int ACTION_IDS_PER_CALL = 25;
  /** Guards against a server that never stops announcing a next page. */
  private static final int MAX_PAGES = 200;

  private final HcloudTransport transport;
  private final boolean urgent;

  private HcloudClient(HcloudTransport transport, boolean urgent) {
    this.transport = transport;
    this.urgent = urgent;
  }

  /**
   * The same client for a takeover: server errors and network failures are retried after at most 1 s while the
   * rate-limit budget is comfortable (the endpoint may be dark until the takeover completes). 429s still wait as
   * the headers say.
   */
  public HcloudClient urgent() {
    return urgent ? this : new HcloudClient(transport, true);
  }

  private JsonNode send(HcloudTransport.Call call) throws HcloudException {
    return transport.send(call.urgent(urgent));
  }

  public static Builder builder() {
    return new Builder();
  }

  /** {@code GET /floating_ips/{id}}; 404 gives an exception with code {@code not_found}. */
  public FloatingIp getFloatingIp(long id) throws HcloudException {
    JsonNode body = send(Call.get("get_floating_ip", "/floating_ips/" + id, List.of()));
    return parse("get_floating_ip", () -> Schema.floatingIp(body.get("floating_ip")));
  }

  /** {@code GET /floating_ips?name=...}: the floating IP with exactly this name, if any. */
  public Optional<FloatingIp> findFloatingIpByName(String name) throws HcloudException {
    Objects.requireNonNull(name, "name");
    return listPaged("list_floating_ips", "/floating_ips", List.of(Map.entry("name", name)),
        "floating_ips", Schema::floatingIp)
        .stream().filter(fip -> name.equals(fip.name())).findFirst();
  }

  /** {@code GET /floating_ips?label_selector=...}, all pages; a null or empty selector lists every one. */
  public List<FloatingIp> listFloatingIps(String labelSelector) throws HcloudException {
    List<Map.Entry<String, String>> query = labelSelector == null || labelSelector.isEmpty()
        ? List.of() : List.of(Map.entry("label_selector", labelSelector));
    return listPaged("list_floating_ips", "/floating_ips", query, "floating_ips", Schema::floatingIp);
  }

  /** {@code POST /floating_ips/{id}/actions/assign} with {@code {"server": serverId}}; 201 gives the action. */
  public HcloudAction assignFloatingIp(long fipId, long serverId) throws HcloudException {
    return assignFloatingIp(fipId, serverId, null);
  }

  /**
   * Like {@link #assignFloatingIp(long, long)}, but asks {@code guard} right before every POST, the automatic
   * retries included (a retry can come seconds later, when leadership may be gone). When it answers false
   * nothing more is sent and the call fails with code {@link HcloudException#FENCED}. Exceptions from the
   * guard propagate unchanged.
   */
  public HcloudAction assignFloatingIp(long fipId, long serverId, BooleanSupplier guard) throws HcloudException {
    JsonNode body = send(Call.post("assign", "/floating_ips/" + fipId + "/actions/assign",
        HcloudTransport.JSON.createObjectNode().put("server", serverId).toString(), guard));
    return parse("assign", () -> Schema.action(body.get("action")));
  }

  /** {@code POST /floating_ips/{id}/actions/unassign}. For the CLI; the agent never unassigns. */
  public HcloudAction unassignFloatingIp(long fipId) throws HcloudException {
    JsonNode body = send(Call.post("unassign", "/floating_ips/" + fipId + "/actions/unassign", "{}", null));
    return parse("unassign", () -> Schema.action(body.get("action")));
  }

  /** {@code GET /floating_ips/{id}/actions?status=...}, all pages, sorted by id. */
  public List<HcloudAction> listFloatingIpActions(long fipId, String status) throws HcloudException {
    List<Map.Entry<String, String>> query = new ArrayList<>();
    if (status != null) {
      query.add(Map.entry("status", status));
    }
    query.add(Map.entry("sort", "id"));
    return listPaged("list_floating_ip_actions", "/floating_ips/" + fipId + "/actions", query, "actions",
        Schema::action);
  }

  /** {@code GET /actions/{id}}. */
  public HcloudAction getAction(long id) throws HcloudException {
    JsonNode body = send(Call.get("get_action", "/actions/" + id, List.of()));
    return parse("get_action", () -> Schema.action(body.get("action")));
  }

  /**
   * {@code GET /actions?id=..&id=..&sort=status&sort=id} in chunks of 25 ids, as hcloud-go's waiter does
   * (the id-less list endpoint was removed in 2025). Ids the API does not return are simply absent.
   */
  public List<HcloudAction> getActions(Collection<Long> ids) throws HcloudException {
    List<Long> all = List.copyOf(ids);
    List<HcloudAction> actions = new ArrayList<>();
    for (int from = 0; from < all.size(); from += ACTION_IDS_PER_CALL) {
      List<Map.Entry<String, String>> query = new ArrayList<>();
      for (Long id : all.subList(from, Math.min(all.size(), from + ACTION_IDS_PER_CALL))) {
        query.add(Map.entry("id", String.valueOf(id)));
      }
      query.add(Map.entry("sort", "status"));
      query.add(Map.entry("sort", "id"));
      actions.addAll(listPaged("list_actions", "/actions", query, "actions", Schema::action));
    }
    return actions;
  }

  /**
   * Waits until the action is no longer running: returns at once (no request) when it already finished;
   * otherwise sleeps {@code pollInterval} before every poll (hcloud-go's constant backoff), up to
   * {@code deadline} in total.
   *
   * @throws ActionFailedException when the action ends with status {@code error}
   * @throws ActionTimeoutException when it is still running at the deadline
   */
  public HcloudAction waitForAction(HcloudAction action, Duration pollInterval, Duration deadline)
      throws HcloudException {
    return new ActionWaiter(this, transport.sleeper(), transport.ticker()).await(action, pollInterval, deadline);
  }

  /** {@code GET /servers/{id}}. */
  public Server getServer(long id) throws HcloudException {
    JsonNode body = send(Call.get("get_server", "/servers/" + id, List.of()));
    return parse("get_server", () -> Schema.server(body.get("server")));
  }

  /** The {@code RateLimit-*} headers of the latest response that had them; null before the first one. */
  public RateLimit lastRateLimit() {
    return transport.lastRateLimit();
  }

  Sleeper sleeper() {
    return transport.sleeper();
  }

  private <T> List<T> listPaged(String operation, String path, List<Map.Entry<String, String>> filter,
      String field, Function<JsonNode, T> mapper) throws HcloudException {
    List<T> items = new ArrayList<>();
    int page = 1;
    for (int pages = 0; page > 0; pages++) {
      if (pages == MAX_PAGES) {
        throw new HcloudException(operation, 0, HcloudException.INVALID_RESPONSE,
            "more than " + MAX_PAGES + " pages", null, null, null);
      }
      List<Map.Entry<String, String>> query = new ArrayList<>(filter);
      query.add(Map.entry("page", String.valueOf(page)));
      query.add(Map.entry("per_page", String.valueOf(PER_PAGE)));
      JsonNode body = send(Call.get(operation, path, query));
      JsonNode list = body.get(field);
      if (list == null || !list.isArray()) {
        throw new HcloudException(operation, 200, HcloudException.INVALID_RESPONSE,
            "response without a \"" + field + "\" array", null, null, null);
      }
      for (JsonNode item : list) {
        items.add(parse(operation, () -> mapper.apply(item)));
      }
      int next = Schema.nextPage(body);
      page = next > page ? next : 0;
    }
    return items;
  }

  private interface Parse<T> {
    T get();
  }

  private static <T> T parse(String operation, Parse<T> parse) throws HcloudException {
    try {
      return parse.get();
    } catch (IllegalArgumentException e) {
      throw new HcloudException(operation, 200, HcloudException.INVALID_RESPONSE, e.getMessage(), null, null, e);
    }
  }

  /** Builds an {@link HcloudClient}; every setting but the token has the hcloud-go default. */
  public static final class Builder {
    private URI baseUrl = URI.create("https://api.hetzner.cloud/v1");
    private TokenProvider tokens;
    private String userAgent = "fipkeeper";
    private Duration requestTimeout = Duration.ofSeconds(10);
    private Duration connectTimeout = Duration.ofSeconds(5);
    private int maxRetries = 5;
    private Backoff backoff = Backoff.DEFAULT;
    private Ticker ticker = Ticker.system();
    private InstantSource clock = InstantSource.system();
    private Sleeper sleeper = Sleeper.system();
    private RandomGenerator random = RandomGenerator.getDefault();
    private RequestListener listener = RequestListener.none();

    private Builder() {}

    public Builder baseUrl(URI baseUrl) {
      Objects.requireNonNull(baseUrl, "baseUrl");
      if (!"http".equals(baseUrl.getScheme()) && !"https".equals(baseUrl.getScheme())) {
        throw new IllegalArgumentException("baseUrl must be an http or https URL, got " + baseUrl);
      }
      if (baseUrl.getRawQuery() != null || baseUrl.getRawFragment() != null) {
        throw new IllegalArgumentException("baseUrl must not have a query or fragment, got " + baseUrl);
      }
      this.baseUrl = baseUrl;
      return this;
    }

    /** A fixed token. */
    public Builder token(ApiToken token) {
      this.tokens = TokenProvider.fixed(token);
      return this;
    }

    /** A token asked for per request, e.g. {@link TokenProvider#rereading} a mounted Secret file. */
    public Builder tokens(TokenProvider tokens) {
      this.tokens = Objects.requireNonNull(tokens, "tokens");
      return this;
    }

    public Builder userAgent(String userAgent) {
      Objects.requireNonNull(userAgent, "userAgent");
      if (userAgent.isBlank() || userAgent.chars().anyMatch(c -> c < 0x20 || c > 0x7e)) {
        throw new IllegalArgumentException("userAgent must be non-empty printable ASCII, got \"" + userAgent + "\"");
      }
      this.userAgent = userAgent;
      return this;
    }

    public Builder requestTimeout(Duration requestTimeout) {
      this.requestTimeout = positive("requestTimeout", requestTimeout);
      return this;
    }

    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = positive("connectTimeout", connectTimeout);
      return this;
    }

    /** Retries after the first attempt (hcloud-go: 5, so at most 6 attempts). */
    public Builder maxRetries(int maxRetries) {
      if (maxRetries < 0 || maxRetries > 20) {
        throw new IllegalArgumentException("maxRetries must be between 0 and 20, got " + maxRetries);
      }
      this.maxRetries = maxRetries;
      return this;
    }

    public Builder backoff(Duration base, Duration cap, double multiplier, boolean jitter) {
      this.backoff = new Backoff(base, cap, multiplier, jitter);
      return this;
    }

    public Builder backoff(Backoff backoff) {
      this.backoff = Objects.requireNonNull(backoff, "backoff");
      return this;
    }

    /** Monotonic time for action deadlines. */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /** Wall-clock time, only to compare with {@code RateLimit-Reset} and {@code Retry-After} dates. */
    public Builder clock(InstantSource clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    /** Source of backoff jitter. */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    public Builder listener(RequestListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    public HcloudClient build() {
      if (tokens == null) {
        throw new IllegalStateException("token is required (ApiToken.fromFile or ApiToken.fromEnv)");
      }
      // HTTP/1.1: an h2c upgrade attempt on plain-http endpoints (the simulator, proxies) buys nothing here
      HttpClient http = HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(connectTimeout)
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();
      RetryPolicy policy = new RetryPolicy(maxRetries, backoff, random, clock);
      return new HcloudClient(new HcloudTransport(
          http, baseUrl, tokens, userAgent, requestTimeout, policy, sleeper, ticker, listener), false);
    }

    private static Duration positive(String name, Duration value) {
      Objects.requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, got " + value);
      }
      return value;
    }
  }
}
