package io.fipkeeper.config;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every configuration setting with its YAML key, environment variables and command-line flag, in one table
 * (docs/configuration.md is the human-readable copy). A later source wins: YAML, then env, then flags.
 */
enum ConfigKey {
  NODE("node", "--node", "FIPKEEPER_NODE", "NODE_NAME"),
  MODE("mode", "--mode", "FIPKEEPER_MODE"),
  FIP_ID("floatingIp.id", "--floating-ip-id", "FIPKEEPER_FLOATING_IP_ID"),
  FIP_NAME("floatingIp.name", "--floating-ip-name", "FIPKEEPER_FLOATING_IP_NAME"),
  FIP_SELECTOR("floatingIp.selector", "--floating-ip-selector", "FIPKEEPER_FLOATING_IP_SELECTOR"),
  FIP6_ID("floatingIpV6.id", "--floating-ip-v6-id", "FIPKEEPER_FLOATING_IP_V6_ID"),
  FIP6_NAME("floatingIpV6.name", "--floating-ip-v6-name", "FIPKEEPER_FLOATING_IP_V6_NAME"),
  FIP6_SELECTOR("floatingIpV6.selector", "--floating-ip-v6-selector", "FIPKEEPER_FLOATING_IP_V6_SELECTOR"),
  HCLOUD_ENDPOINT("hcloud.endpoint", "--hcloud-endpoint", "HCLOUD_ENDPOINT"),
  HCLOUD_TOKEN_FILE("hcloud.tokenFile", "--token-file", "HCLOUD_TOKEN_FILE"),
  HCLOUD_METADATA_URL("hcloud.metadataUrl", "--metadata-url", "HCLOUD_METADATA_URL"),
  HCLOUD_SERVER_ID("hcloud.serverId", "--server-id", "FIPKEEPER_SERVER_ID"),
  HCLOUD_REQUEST_TIMEOUT("hcloud.requestTimeout", null, "HCLOUD_REQUEST_TIMEOUT"),
  HCLOUD_ACTION_TIMEOUT("hcloud.actionTimeout", null),
  HCLOUD_ACTION_POLL_INTERVAL("hcloud.actionPollInterval", null),
  HCLOUD_VERIFY_INTERVAL("hcloud.verifyInterval", null),
  ETCD_ENDPOINTS("etcd.endpoints", "--etcd-endpoints", "FIPKEEPER_ETCD_ENDPOINTS"),
  ETCD_CA_FILE("etcd.caFile", null, "FIPKEEPER_ETCD_CA_FILE"),
  ETCD_CERT_FILE("etcd.certFile", null, "FIPKEEPER_ETCD_CERT_FILE"),
  ETCD_KEY_FILE("etcd.keyFile", null, "FIPKEEPER_ETCD_KEY_FILE"),
  ETCD_PREFIX("etcd.prefix", "--etcd-prefix", "FIPKEEPER_ETCD_PREFIX"),
  ETCD_LEASE_TTL("etcd.leaseTtl", "--lease-ttl", "FIPKEEPER_LEASE_TTL"),
  ETCD_DIAL_TIMEOUT("etcd.dialTimeout", null),
  INTERFACE("interface", "--interface", "FIPKEEPER_INTERFACE"),
  BINDER("binder", "--binder", "FIPKEEPER_BINDER"),
  APISERVER_ENABLED("apiserver.enabled", "--apiserver-probe", "FIPKEEPER_APISERVER_PROBE"),
  APISERVER_URL("apiserver.url", "--apiserver-url", "FIPKEEPER_APISERVER_URL"),
  APISERVER_INTERVAL("apiserver.interval", null),
  APISERVER_TIMEOUT("apiserver.timeout", null),
  APISERVER_FAILURE_THRESHOLD("apiserver.failureThreshold", null),
  APISERVER_SUCCESS_THRESHOLD("apiserver.successThreshold", null),
  APISERVER_CA_FILE("apiserver.caFile", null),
  APISERVER_INSECURE_SKIP_VERIFY("apiserver.insecureSkipVerify", null),
  HANDOVER_TIMEOUT("handoverTimeout", "--handover-timeout"),
  TAKEOVER_TIMEOUT("takeoverTimeout", "--takeover-timeout", "FIPKEEPER_TAKEOVER_TIMEOUT"),
  HTTP_LISTEN("http.listen", "--http-listen", "FIPKEEPER_HTTP_LISTEN"),
  LOG_FORMAT("log.format", "--log-format", "FIPKEEPER_LOG_FORMAT"),
  LOG_LEVEL("log.level", "--log-level", "FIPKEEPER_LOG_LEVEL");

  /** The env var holding the token itself; it has no YAML key on purpose (the file would leak it). */
  static final String TOKEN_ENV = "HCLOUD_TOKEN";

  private static final Map<String, ConfigKey> BY_YAML =
      Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(k -> k.yamlKey, Function.identity()));
  private static final Map<String, ConfigKey> BY_FLAG =
      Arrays.stream(values()).filter(k -> k.flag != null)
          .collect(Collectors.toUnmodifiableMap(k -> k.flag, Function.identity()));

  final String yamlKey;
  /** Null when the setting has no flag. */
  final String flag;
  final List<String> envVars;

  ConfigKey(String yamlKey, String flag, String... envVars) {
    this.yamlKey = yamlKey;
    this.flag = flag;
    this.envVars = List.of(envVars);
  }

  /** The YAML section ("etcd" for "etcd.leaseTtl"), or empty for a top-level key. */
  Optional<String> section() {
    int dot = yamlKey.indexOf('.');
    return dot < 0 ? Optional.empty() : Optional.of(yamlKey.substring(0, dot));
  }

  static Optional<ConfigKey> byYamlKey(String key) {
    return Optional.ofNullable(BY_YAML.get(key));
  }

  static Optional<ConfigKey> byFlag(String flag) {
    return Optional.ofNullable(BY_FLAG.get(flag));
  }

  /** Every flag that may appear in the overrides given to {@link ConfigLoader}, to the YAML key it sets. */
  static Map<String, String> flags() {
    Map<String, String> flags = new java.util.LinkedHashMap<>();
    for (ConfigKey k : values()) {
      if (k.flag != null) {
        flags.put(k.flag, k.yamlKey);
      }
    }
    return java.util.Collections.unmodifiableMap(flags);
  }
}
