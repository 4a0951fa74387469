package io.fipkeeper.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The settings the testbed gives one agent, rendered as the YAML documented in docs/configuration.md.
 * The token is not here: only the path of the file holding it ({@code hcloud.tokenFile}, re-read by the agent, so
 * the testbed can rotate it). {@code extra} adds top-level keys a newer agent understands (e.g.
 * {@code takeoverTimeout}); an agent that does not know a key refuses to start, so the testbed adds none by default.
 */
public record AgentConfig(
    String node,
    String floatingIpName,
    String hcloudEndpoint,
    String metadataUrl,
    List<String> etcdEndpoints,
    Duration leaseTtl,
    String iface,
    String binder,
    String apiserverUrl,
    String httpListen,
    Duration actionPollInterval,
    String logLevel,
    String tokenFile,
    Map<String, String> extra) {

  /** The etcd key prefix every testbed agent uses; election keys live below {@code <prefix>/<floating IP>/election/}. */
  public static final String ETCD_PREFIX = "/fipkeeper";

  public AgentConfig {
    for (String key : extra.keySet()) {
      if (!key.matches("[a-zA-Z][a-zA-Z0-9]*")) {
        throw new IllegalArgumentException("extra agent setting '" + key + "': only top-level keys such as "
            + "takeoverTimeout can be added");
      }
    }
    extra = Map.copyOf(extra);
  }

  /** YAML text; every value quoted so addresses and durations stay strings. */
  public String toYaml() {
    StringBuilder y = new StringBuilder();
    y.append("node: ").append(q(node)).append('\n');
    y.append("floatingIp:\n  name: ").append(q(floatingIpName)).append('\n');
    y.append("hcloud:\n");
    y.append("  endpoint: ").append(q(hcloudEndpoint)).append('\n');
    y.append("  metadataUrl: ").append(q(metadataUrl)).append('\n');
    y.append("  actionPollInterval: ").append(q(millis(actionPollInterval))).append('\n');
    y.append("  tokenFile: ").append(q(tokenFile)).append('\n');
    y.append("etcd:\n  endpoints:\n");
    etcdEndpoints.forEach(e -> y.append("    - ").append(q(e)).append('\n'));
    y.append("  leaseTtl: ").append(q(leaseTtl.toSeconds() + "s")).append('\n');
    y.append("  prefix: ").append(q(ETCD_PREFIX)).append('\n');
    y.append("interface: ").append(q(iface)).append('\n');
    y.append("binder: ").append(q(binder)).append('\n');
    y.append("apiserver:\n");
    y.append("  enabled: true\n");
    y.append("  url: ").append(q(apiserverUrl)).append('\n');
    if (apiserverUrl.startsWith("https://127.0.0.1:")) {
      // the chart's default (verifyWithClusterCa: false): the testbed's certificates carry no 127.0.0.1 SAN
      y.append("  insecureSkipVerify: true\n");
    }
    y.append("  interval: \"500ms\"\n");
    y.append("  failureThreshold: 2\n");
    // bounds the teardown of a testbed whose last leader has nobody to hand over to
    y.append("handoverTimeout: \"5s\"\n");
    y.append("http:\n  listen: ").append(q(httpListen)).append('\n');
    y.append("log:\n  level: ").append(q(logLevel)).append('\n');
    new java.util.TreeMap<>(extra).forEach((k, v) -> y.append(k).append(": ").append(q(v)).append('\n'));
    return y.toString();
  }

  private static String millis(Duration d) {
    return d.toMillis() + "ms";
  }

  private static String q(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
