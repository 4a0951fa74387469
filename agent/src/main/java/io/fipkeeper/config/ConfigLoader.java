package io.fipkeeper.config;

import io.fipkeeper.hcloud.FloatingIpRef;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Builds an {@link AgentConfig} from a YAML file, the environment and command-line flags (a later source wins;
 * docs/configuration.md lists every key). Every value is checked before anything connects, and all problems
 * are reported together in one {@link ConfigException}. Nothing here logs or prints the token.
 */
public final class ConfigLoader {
  static final String DEFAULT_HCLOUD_ENDPOINT = "https://api.hetzner.cloud/v1";
  static final String DEFAULT_METADATA_URL = "http://169.254.169.254/hetzner/v1/metadata";
  static final String DEFAULT_ETCD_ENDPOINT = "https://127.0.0.1:2379";
  static final String DEFAULT_APISERVER_URL = "https://127.0.0.1:6443/readyz";
  static final Duration DEFAULT_TAKEOVER_TIMEOUT = Duration.ofSeconds(20);

  private static final Pattern NODE = Pattern.compile("[^\\s/]{1,253}");
  private static final Pattern INTERFACE = Pattern.compile("[A-Za-z0-9_.-]{1,15}");
  private static final Pattern LOG_LEVEL = Pattern.compile("trace|debug|info|warn|error");
  private static final Duration MIN_DURATION = Duration.ofMillis(1);

  private final SettingReader in;
  private final ConfigSources sources;
  private final Supplier<String> hostName;
  private final List<String> problems;

  private ConfigLoader(ConfigSources sources, List<String> problems, Supplier<String> hostName) {
    this.sources = sources;
    this.problems = problems;
    this.in = new SettingReader(sources, problems);
    this.hostName = hostName;
  }

  /**
   * Loads and validates the configuration.
   *
   * @param yamlFile the YAML file, if any (a named file that does not exist is a problem)
   * @param env the environment, usually {@code System.getenv()}
   * @param flagOverrides command-line values keyed by flag name ({@code "--lease-ttl" -> "5"}); a null value
   *     means "not given"
   * @throws ConfigException with every problem found
   */
  public static AgentConfig load(Optional<Path> yamlFile, Map<String, String> env, Map<String, String> flagOverrides)
      throws ConfigException {
    return loadWithOrigins(yamlFile, env, flagOverrides).config();
  }

  /** Like {@link #load}, also telling where each value came from (for {@code check-config}). */
  public static LoadedConfig loadWithOrigins(
      Optional<Path> yamlFile, Map<String, String> env, Map<String, String> flagOverrides) throws ConfigException {
    return loadWithOrigins(yamlFile, env, flagOverrides, ConfigLoader::localHostName);
  }

  /** Like {@link #loadWithOrigins(Optional, Map, Map)} with the default node name supplied by the caller. */
  static LoadedConfig loadWithOrigins(Optional<Path> yamlFile, Map<String, String> env,
      Map<String, String> flagOverrides, Supplier<String> hostName) throws ConfigException {
    List<String> problems = new ArrayList<>();
    ConfigSources sources = ConfigSources.read(yamlFile, env, flagOverrides, problems);
    if (sources.fileUnreadable()) {
      throw new ConfigException(problems);
    }
    return new ConfigLoader(sources, problems, hostName).build();
  }

  /**
   * Every flag name {@link #load} accepts in {@code flagOverrides}, mapped to the YAML key it overrides, in the
   * order of docs/configuration.md.
   */
  public static Map<String, String> overridableFlags() {
    return ConfigKey.flags();
  }

  private LoadedConfig build() throws ConfigException {
    String node = node();
    AgentConfig.Mode mode = in.choice(ConfigKey.MODE, AgentConfig.Mode.class, AgentConfig.Mode.ACTIVE);
    Optional<FloatingIpRef> fip = floatingIp(ConfigKey.FIP_ID, ConfigKey.FIP_NAME, ConfigKey.FIP_SELECTOR);
    if (fip.isEmpty() && sources.group(ConfigKey.FIP_ID, ConfigKey.FIP_NAME, ConfigKey.FIP_SELECTOR).isEmpty()) {
      in.problem("floatingIp: not set (set one of floatingIp.id, floatingIp.name or floatingIp.selector, or "
          + "FIPKEEPER_FLOATING_IP_ID, FIPKEEPER_FLOATING_IP_NAME or FIPKEEPER_FLOATING_IP_SELECTOR)");
    }
    Optional<FloatingIpRef> fip6 = floatingIp(ConfigKey.FIP6_ID, ConfigKey.FIP6_NAME, ConfigKey.FIP6_SELECTOR);
    HcloudSettings hcloud = hcloud();
    EtcdSettings etcd = etcd();
    String iface = in.text(ConfigKey.INTERFACE, AgentConfig.AUTO_INTERFACE);
    if (!iface.equals(AgentConfig.AUTO_INTERFACE) && !INTERFACE.matcher(iface).matches()) {
      in.problem(in.raw(ConfigKey.INTERFACE).orElseThrow().origin(),
          "must be \"auto\" or an interface name of 1-15 letters, digits, '_', '.' or '-'", iface);
    }
    AgentConfig.BinderKind binder = in.choice(ConfigKey.BINDER, AgentConfig.BinderKind.class,
        AgentConfig.BinderKind.IP);
    ProbeSettings probe = probe();
    Duration handover = in.duration(ConfigKey.HANDOVER_TIMEOUT, Duration.ofSeconds(10), MIN_DURATION);
    Duration takeover = takeoverTimeout(hcloud);
    HttpSettings http = in.listen(ConfigKey.HTTP_LISTEN, new HttpSettings("0.0.0.0", 9847));
    LogSettings log = log();
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    AgentConfig config = new AgentConfig(node, fip.orElseThrow(), fip6, hcloud, etcd, iface, binder, probe,
        handover, takeover, http, log, mode);
    return new LoadedConfig(config, in.origins());
  }

  private String node() {
    Optional<RawValue> raw = in.raw(ConfigKey.NODE);
    String node = raw.map(RawValue::text).orElseGet(hostName);
    if (node == null || node.isBlank()) {
      in.problem("node: not set and the host name is unknown (set FIPKEEPER_NODE or node)");
      return "";
    }
    if (!NODE.matcher(node).matches()) {
      in.problem(raw.map(RawValue::origin).orElse("node (host name)"),
          "must be 1-253 characters without '/' or whitespace", node);
    }
    return node;
  }

  private Optional<FloatingIpRef> floatingIp(ConfigKey id, ConfigKey name, ConfigKey selector) {
    Map<ConfigKey, RawValue> set = sources.group(id, name, selector);
    for (ConfigKey k : List.of(id, name, selector)) {
      in.raw(k); // records origins for the printout
    }
    if (set.size() > 1) {
      List<RawValue> both = List.copyOf(set.values());
      in.problem(both.get(0).origin() + ": cannot be combined with " + both.get(1).origin()
          + " (set exactly one of " + id.yamlKey + ", " + name.yamlKey + ", " + selector.yamlKey + ")");
      return Optional.empty();
    }
    if (set.isEmpty()) {
      return Optional.empty();
    }
    ConfigKey key = set.keySet().iterator().next();
    RawValue v = set.get(key);
    if (key == id) {
      try {
        long n = Long.parseLong(v.text());
        if (n > 0) {
          return Optional.of(new FloatingIpRef.Id(n));
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      in.problem(v.origin(), "must be a positive whole number (the floating IP id)", v.text());
      return Optional.empty();
    }
    return Optional.of(key == name ? new FloatingIpRef.Name(v.text()) : new FloatingIpRef.Selector(v.text()));
  }

  private HcloudSettings hcloud() {
    URI endpoint = stripSlash(in.url(ConfigKey.HCLOUD_ENDPOINT, DEFAULT_HCLOUD_ENDPOINT));
    TokenSource token = new TokenReader(in, sources).read();
    URI metadata = stripSlash(in.url(ConfigKey.HCLOUD_METADATA_URL, DEFAULT_METADATA_URL));
    Optional<Long> serverId = Optional.empty();
    Optional<RawValue> rawId = in.raw(ConfigKey.HCLOUD_SERVER_ID);
    if (rawId.isPresent() && !rawId.get().text().equalsIgnoreCase("auto")) {
      try {
        long id = Long.parseLong(rawId.get().text());
        if (id > 0) {
          serverId = Optional.of(id);
        } else {
          in.problem(rawId.get().origin(), "must be \"auto\" or a positive whole number", rawId.get().text());
        }
      } catch (NumberFormatException e) {
        in.problem(rawId.get().origin(), "must be \"auto\" or a positive whole number", rawId.get().text());
      }
    }
    Duration request = in.duration(ConfigKey.HCLOUD_REQUEST_TIMEOUT, Duration.ofSeconds(10), MIN_DURATION);
    Duration action = in.duration(ConfigKey.HCLOUD_ACTION_TIMEOUT, Duration.ofSeconds(60), MIN_DURATION);
    Duration poll = in.duration(ConfigKey.HCLOUD_ACTION_POLL_INTERVAL, Duration.ofMillis(500),
        Duration.ofMillis(100));
    if (poll.compareTo(action) >= 0 && in.raw(ConfigKey.HCLOUD_ACTION_POLL_INTERVAL).isPresent()) {
      in.problem(in.raw(ConfigKey.HCLOUD_ACTION_POLL_INTERVAL).get().origin(),
          "must be shorter than hcloud.actionTimeout (" + DurationText.format(action) + ")",
          DurationText.format(poll));
    }
    Duration verify = in.duration(ConfigKey.HCLOUD_VERIFY_INTERVAL, Duration.ofSeconds(60), Duration.ofSeconds(1));
    return problems.isEmpty()
        ? new HcloudSettings(endpoint, token, metadata, serverId, request, action, poll, verify)
        : null;
  }

  /**
   * Bounds one takeover. 20 s by default: a normal assign takes a request and an action of a few seconds, and a
   * slow or failing API gets one whole request timeout plus a retry before another node gets its turn.
   */
  private Duration takeoverTimeout(HcloudSettings hcloud) {
    Duration takeover = in.duration(ConfigKey.TAKEOVER_TIMEOUT, DEFAULT_TAKEOVER_TIMEOUT, Duration.ofSeconds(1));
    Optional<RawValue> raw = in.raw(ConfigKey.TAKEOVER_TIMEOUT);
    Duration request = hcloud == null ? null : hcloud.requestTimeout();
    if (request != null && takeover.compareTo(request) <= 0) {
      String origin = raw.map(RawValue::origin).orElse("takeoverTimeout (default)");
      in.problem(origin, "must be longer than hcloud.requestTimeout (" + DurationText.format(request)
          + "): a takeover needs at least one whole request", DurationText.format(takeover));
    }
    return takeover;
  }

  private EtcdSettings etcd() {
    List<URI> endpoints = new ArrayList<>();
    Optional<RawValue> rawEndpoints = in.raw(ConfigKey.ETCD_ENDPOINTS);
    if (rawEndpoints.isEmpty()) {
      endpoints.add(URI.create(DEFAULT_ETCD_ENDPOINT));
    } else if (rawEndpoints.get().items().isEmpty()) {
      in.problem(rawEndpoints.get().origin(), "must list at least one etcd URL", rawEndpoints.get().text());
    } else {
      for (String item : rawEndpoints.get().items()) {
        in.url(rawEndpoints.get().origin(), item).map(ConfigLoader::stripSlash).ifPresent(endpoints::add);
      }
    }
    Optional<Path> ca = in.file(ConfigKey.ETCD_CA_FILE);
    Optional<Path> cert = in.file(ConfigKey.ETCD_CERT_FILE);
    Optional<Path> key = in.file(ConfigKey.ETCD_KEY_FILE);
    Optional<RawValue> rawCert = in.raw(ConfigKey.ETCD_CERT_FILE);
    Optional<RawValue> rawKey = in.raw(ConfigKey.ETCD_KEY_FILE);
    if (rawCert.isPresent() != rawKey.isPresent()) {
      RawValue given = rawCert.orElseGet(rawKey::orElseThrow);
      ConfigKey missing = rawCert.isPresent() ? ConfigKey.ETCD_KEY_FILE : ConfigKey.ETCD_CERT_FILE;
      in.problem(given.origin() + ": cannot be set without " + SettingReader.names(missing)
          + " (client certificate and key go together)");
    }
    String prefix = in.text(ConfigKey.ETCD_PREFIX, "/fipkeeper");
    String trimmed = prefix.replaceAll("/+$", "");
    if (!trimmed.startsWith("/") || trimmed.chars().anyMatch(Character::isWhitespace)) {
      in.problem(in.raw(ConfigKey.ETCD_PREFIX).map(RawValue::origin).orElse("etcd.prefix"),
          "must be a key path like /fipkeeper (starting with '/', no spaces)", prefix);
    }
    Duration ttl = leaseTtl();
    Duration dial = in.duration(ConfigKey.ETCD_DIAL_TIMEOUT, Duration.ofSeconds(2), MIN_DURATION);
    return new EtcdSettings(endpoints, ca, cert, key, trimmed, ttl, dial);
  }

  private Duration leaseTtl() {
    Optional<RawValue> raw = in.raw(ConfigKey.ETCD_LEASE_TTL);
    if (raw.isEmpty()) {
      return Duration.ofSeconds(2);
    }
    String text = raw.get().text();
    Optional<Duration> ttl = text.matches("\\d{1,9}")
        ? Optional.of(Duration.ofSeconds(Long.parseLong(text)))
        : DurationText.parse(text);
    if (ttl.isPresent() && ttl.get().toMillis() % 1000 == 0 && ttl.get().toSeconds() >= 2
        && ttl.get().toSeconds() <= 300) {
      return ttl.get();
    }
    in.problem(raw.get().origin(), "must be a whole number of seconds between 2 and 300", text);
    return Duration.ofSeconds(2);
  }

  private ProbeSettings probe() {
    boolean enabled = in.bool(ConfigKey.APISERVER_ENABLED, true);
    URI url = in.url(ConfigKey.APISERVER_URL, DEFAULT_APISERVER_URL);
    Duration interval = in.duration(ConfigKey.APISERVER_INTERVAL, Duration.ofSeconds(1), Duration.ofMillis(100));
    Duration timeout = in.duration(ConfigKey.APISERVER_TIMEOUT, Duration.ofSeconds(1), MIN_DURATION);
    int failures = in.integer(ConfigKey.APISERVER_FAILURE_THRESHOLD, 3, 1, 100);
    int successes = in.integer(ConfigKey.APISERVER_SUCCESS_THRESHOLD, 1, 1, 100);
    Optional<Path> ca = in.file(ConfigKey.APISERVER_CA_FILE);
    boolean insecure = in.bool(ConfigKey.APISERVER_INSECURE_SKIP_VERIFY, false);
    Optional<RawValue> rawInsecure = in.raw(ConfigKey.APISERVER_INSECURE_SKIP_VERIFY);
    if (insecure && !ProbeSettings.isLoopback(url)) {
      in.problem(rawInsecure.orElseThrow().origin() + ": only allowed for a loopback apiserver.url (127.0.0.1, "
          + "[::1] or localhost), got apiserver.url " + SettingReader.quote(url.toString()));
      insecure = false;
    }
    if (insecure && in.raw(ConfigKey.APISERVER_CA_FILE).isPresent()) {
      in.problem(rawInsecure.orElseThrow().origin() + ": cannot be combined with "
          + in.raw(ConfigKey.APISERVER_CA_FILE).get().origin() + " (verify with the CA or skip verification)");
      insecure = false;
    }
    return new ProbeSettings(enabled, url, interval, timeout, failures, successes, ca, insecure);
  }

  private LogSettings log() {
    LogSettings.Format format = in.choice(ConfigKey.LOG_FORMAT, LogSettings.Format.class, LogSettings.Format.PLAIN);
    String level = in.text(ConfigKey.LOG_LEVEL, "info").toLowerCase(java.util.Locale.ROOT);
    if (!LOG_LEVEL.matcher(level).matches()) {
      in.problem(in.raw(ConfigKey.LOG_LEVEL).orElseThrow().origin(),
          "must be one of trace, debug, info, warn, error", in.text(ConfigKey.LOG_LEVEL, ""));
      level = "info";
    }
    return new LogSettings(format, level);
  }

  private static URI stripSlash(URI uri) {
    String s = uri.toString();
    return s.endsWith("/") ? URI.create(s.replaceAll("/+$", "")) : uri;
  }

  private static String localHostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
