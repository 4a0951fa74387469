package io.fipkeeper.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The YAML the testbed hands each agent uses the documented keys and never carries the token. */
class AgentConfigTest {
  private final AgentConfig config = new AgentConfig(
      "cp-2", "k8s-api", "http://198.51.100.1:8080/v1", "http://198.51.100.1:8080/metadata/2/hetzner/v1/metadata",
      List.of("http://198.51.100.11:2379", "http://198.51.100.12:2379"), Duration.ofSeconds(3), "eth0", "ip",
      "http://198.51.100.254:16445/readyz", "0.0.0.0:9847", Duration.ofMillis(200), "debug",
      "/tmp/tb/agent-cp-2.token", Map.of("takeoverTimeout", "10s"));

  @Test
  void rendersEveryTestbedSettingUnderItsDocumentedKey() {
    String yaml = config.toYaml();
    assertThat(yaml)
        .contains("node: \"cp-2\"")
        .contains("floatingIp:\n  name: \"k8s-api\"")
        .contains("  endpoint: \"http://198.51.100.1:8080/v1\"")
        .contains("  metadataUrl: \"http://198.51.100.1:8080/metadata/2/hetzner/v1/metadata\"")
        .contains("    - \"http://198.51.100.11:2379\"\n    - \"http://198.51.100.12:2379\"")
        .contains("  leaseTtl: \"3s\"")
        .contains("interface: \"eth0\"")
        .contains("binder: \"ip\"")
        .contains("  url: \"http://198.51.100.254:16445/readyz\"")
        .contains("http:\n  listen: \"0.0.0.0:9847\"")
        .contains("  actionPollInterval: \"200ms\"")
        .contains("log:\n  level: \"debug\"")
        .contains("\ntakeoverTimeout: \"10s\"\n");
  }

  @Test
  void namesTheTokenFileButNeverCarriesAToken() {
    assertThat(config.toYaml()).contains("  tokenFile: \"/tmp/tb/agent-cp-2.token\"")
        .doesNotContain("token:").doesNotContain("HCLOUD_TOKEN");
  }

  @Test
  void refusesNestedExtraKeys() {
    assertThatThrownBy(() -> new AgentConfig("n", "k", "e", "m", List.of(), Duration.ofSeconds(2), "eth0", "ip", "u",
        "l", Duration.ofMillis(500), "info", "/t", Map.of("hcloud.requestTimeout", "5s")))
        .hasMessage("extra agent setting 'hcloud.requestTimeout': only top-level keys such as takeoverTimeout can be added");
  }

  @Test
  void escapesQuotesInValues() {
    AgentConfig odd = new AgentConfig("a\"b", "k", "e", "m", List.of(), Duration.ofSeconds(2), "eth0", "ip",
        "u", "l", Duration.ofMillis(500), "info", "/t", Map.of());
    assertThat(odd.toYaml()).contains("node: \"a\\\"b\"");
  }
}
