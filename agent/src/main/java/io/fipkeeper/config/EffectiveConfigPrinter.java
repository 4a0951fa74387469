package io.fipkeeper.config;

import io.fipkeeper.hcloud.FloatingIpRef;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Renders the effective configuration as YAML in the layout of docs/configuration.md, each value followed by a
 * comment saying where it came from. The token is always shown as {@code "<redacted>"} with its source; its
 * value is never read here.
 */
public final class EffectiveConfigPrinter {
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./-][A-Za-z0-9_./:@=,-]*");
  private static final Pattern SPECIAL =
      Pattern.compile("(?i)true|false|yes|no|on|off|null|~|[-+]?[0-9][0-9_.]*(e[-+]?[0-9]+)?");

  private final StringBuilder out = new StringBuilder();
  private final Map<String, String> origins;

  private EffectiveConfigPrinter(Map<String, String> origins) {
    this.origins = origins;
  }

  /** The YAML text with origin comments. */
  public static String render(LoadedConfig loaded) {
    return new EffectiveConfigPrinter(loaded.origins()).print(loaded.config());
  }

  /** The YAML text without origins (every value is marked as its source is unknown). */
  public static String render(AgentConfig config) {
    return new EffectiveConfigPrinter(Map.of()).print(config);
  }

  private String print(AgentConfig c) {
    out.append("# effective fipkeeper configuration; the token is never shown\n");
    line(0, "node", c.node(), "node");
    line(0, "mode", c.mode().name().toLowerCase(Locale.ROOT), "mode");
    floatingIp("floatingIp", Optional.of(c.floatingIp()));
    floatingIp("floatingIpV6", c.floatingIpV6());

    HcloudSettings h = c.hcloud();
    section("hcloud");
    line(1, "endpoint", h.endpoint().toString(), "hcloud.endpoint");
    h.token().filePath().ifPresent(p -> line(1, "tokenFile", p.toString(), "hcloud.tokenFile"));
    out.append("  # token: \"<redacted>\"  (from ").append(h.token().description()).append(")\n");
    line(1, "metadataUrl", h.metadataUrl().toString(), "hcloud.metadataUrl");
    line(1, "serverId", h.serverId().map(String::valueOf).orElse("auto"), "hcloud.serverId");
    line(1, "requestTimeout", h.requestTimeout(), "hcloud.requestTimeout");
    line(1, "actionTimeout", h.actionTimeout(), "hcloud.actionTimeout");
    line(1, "actionPollInterval", h.actionPollInterval(), "hcloud.actionPollInterval");
    line(1, "verifyInterval", h.verifyInterval(), "hcloud.verifyInterval");

    EtcdSettings e = c.etcd();
    section("etcd");
    out.append("  endpoints:").append(comment("etcd.endpoints")).append('\n');
    e.endpoints().forEach(u -> out.append("    - ").append(scalar(u.toString())).append('\n'));
    file(1, "caFile", e.caFile(), "etcd.caFile");
    file(1, "certFile", e.certFile(), "etcd.certFile");
    file(1, "keyFile", e.keyFile(), "etcd.keyFile");
    line(1, "prefix", e.prefix(), "etcd.prefix");
    line(1, "leaseTtl", e.leaseTtl(), "etcd.leaseTtl");
    line(1, "dialTimeout", e.dialTimeout(), "etcd.dialTimeout");

    line(0, "interface", c.interfaceName(), "interface");
    line(0, "binder", c.binder().name().toLowerCase(Locale.ROOT), "binder");

    ProbeSettings p = c.apiserver();
    section("apiserver");
    line(1, "enabled", String.valueOf(p.enabled()), "apiserver.enabled");
    line(1, "url", p.url().toString(), "apiserver.url");
    line(1, "interval", p.interval(), "apiserver.interval");
    line(1, "timeout", p.timeout(), "apiserver.timeout");
    line(1, "failureThreshold", String.valueOf(p.failureThreshold()), "apiserver.failureThreshold");
    line(1, "successThreshold", String.valueOf(p.successThreshold()), "apiserver.successThreshold");
    file(1, "caFile", p.caFile(), "apiserver.caFile");
    line(1, "insecureSkipVerify", String.valueOf(p.insecureSkipVerify()), "apiserver.insecureSkipVerify");

    line(0, "handoverTimeout", c.handoverTimeout(), "handoverTimeout");
    line(0, "takeoverTimeout", c.takeoverTimeout(), "takeoverTimeout");
    section("http");
    line(1, "listen", c.http().hostPort(), "http.listen");
    section("log");
    line(1, "format", c.log().format().name().toLowerCase(Locale.ROOT), "log.format");
    line(1, "level", c.log().level(), "log.level");
    return out.toString();
  }

  private void floatingIp(String section, Optional<FloatingIpRef> ref) {
    if (ref.isEmpty()) {
      return;
    }
    section(section);
    FloatingIpRef r = ref.get();
    if (r instanceof FloatingIpRef.Id id) {
      line(1, "id", String.valueOf(id.id()), section + ".id");
    } else if (r instanceof FloatingIpRef.Name name) {
      line(1, "name", name.name(), section + ".name");
    } else if (r instanceof FloatingIpRef.Selector sel) {
      line(1, "selector", sel.selector(), section + ".selector");
    } else {
      throw new IllegalStateException("unknown floating IP reference " + r);
    }
  }

  private void section(String name) {
    out.append(name).append(":\n");
  }

  private void file(int indent, String key, Optional<Path> file, String yamlKey) {
    file.ifPresent(f -> line(indent, key, f.toString(), yamlKey));
  }

  private void line(int indent, String key, Duration value, String yamlKey) {
    line(indent, key, DurationText.format(value), yamlKey);
  }

  private void line(int indent, String key, String value, String yamlKey) {
    out.append("  ".repeat(indent)).append(key).append(": ").append(scalar(value)).append(comment(yamlKey))
        .append('\n');
  }

  private String comment(String yamlKey) {
    return origins.isEmpty() ? "" : "  # " + origins.getOrDefault(yamlKey, "default");
  }

  /** A YAML scalar, quoted unless it reads back as the same plain string. */
  static String scalar(String value) {
    boolean keepsType = value.equals("true") || value.equals("false") || value.matches("\\d+");
    if (keepsType || (PLAIN.matcher(value).matches() && !SPECIAL.matcher(value).matches())) {
      return value;
    }
    return SettingReader.quote(value);
  }
}
