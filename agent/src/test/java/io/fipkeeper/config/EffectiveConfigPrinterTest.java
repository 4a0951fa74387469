package io.fipkeeper.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EffectiveConfigPrinterTest {
  @TempDir Path dir;

  @Test
  void showsTheTokenOnlyAsRedactedWithItsSource() throws Exception {
    Map<String, String> env = Map.of("HCLOUD_TOKEN", "very-secret-value", "FIPKEEPER_NODE", "cp-1",
        "FIPKEEPER_FLOATING_IP_ID", "9");
    String text = EffectiveConfigPrinter.render(ConfigLoader.loadWithOrigins(Optional.empty(), env, Map.of()));
    assertThat(text).doesNotContain("very-secret-value")
        .contains("# token: \"<redacted>\"  (from env HCLOUD_TOKEN)")
        .contains("node: cp-1  # env FIPKEEPER_NODE")
        .contains("  leaseTtl: 2s  # default")
        .contains("  id: 9  # env FIPKEEPER_FLOATING_IP_ID");
  }

  @Test
  void theOutputLoadsBackToTheSameConfiguration() throws Exception {
    Path token = dir.resolve("token");
    Files.writeString(token, "tok");
    Path yaml = dir.resolve("in.yaml");
    Files.writeString(yaml, """
        node: "cp 1".replace(" ", "-")
        """.replace("\"cp 1\".replace(\" \", \"-\")", "cp-1") + """
        mode: observe
        floatingIp: {selector: "role=api,env=prod"}
        floatingIpV6: {name: "true"}
        hcloud: {tokenFile: %s, serverId: 77, actionPollInterval: 250ms, endpoint: "http://127.0.0.1:8080/v1/"}
        etcd: {endpoints: [http://127.0.0.1:2379], leaseTtl: 1m30s, prefix: /x/y}
        interface: eth1
        binder: recording
        apiserver: {enabled: false, url: "http://localhost:8080/livez?verbose", successThreshold: 2}
        handoverTimeout: 1500ms
        http: {listen: "[::1]:9847"}
        log: {format: json, level: debug}
        """.formatted(token));
    AgentConfig original = ConfigLoader.load(Optional.of(yaml), Map.of(), Map.of());
    Path printed = dir.resolve("printed.yaml");
    Files.writeString(printed, EffectiveConfigPrinter.render(original));
    assertThat(ConfigLoader.load(Optional.of(printed), Map.of(), Map.of())).isEqualTo(original);
  }
}
