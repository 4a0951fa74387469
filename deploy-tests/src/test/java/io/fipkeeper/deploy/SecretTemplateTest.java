package io.fipkeeper.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The Hetzner token and the etcd client certificate reach the agent as files, from the right Secret. */
class SecretTemplateTest {

  @Test
  void createsTheTokenSecretFromValuesAndMountsItAsAFile() {
    RenderedChart chart = RenderedChart.render(ValueSets.MINIMAL);
    JsonNode secret = chart.single("Secret");
    JsonNode volume = tokenVolume(chart);

    String token = new String(Base64.getDecoder().decode(secret.path("data").path("token").asText()), StandardCharsets.UTF_8);
    assertThat(token).isEqualTo("test-token-value");
    assertThat(volume.path("secret").path("secretName").asText()).isEqualTo(secret.path("metadata").path("name").asText());
    assertThat(volume.path("secret").path("items").get(0).path("key").asText()).isEqualTo("token");
    assertThat(volume.path("secret").path("items").get(0).path("path").asText()).isEqualTo("token");
  }

  @Test
  void usesTheExistingSecretAndItsKeyWithoutCreatingOne() {
    RenderedChart chart = RenderedChart.render(ValueSets.EXISTING_SECRET);
    JsonNode volume = tokenVolume(chart);

    assertThat(chart.all("Secret")).isEmpty();
    assertThat(volume.path("secret").path("secretName").asText()).isEqualTo("hcloud-api");
    assertThat(volume.path("secret").path("items").get(0).path("key").asText()).isEqualTo("apiToken");
    assertThat(volume.path("secret").path("items").get(0).path("path").asText()).isEqualTo("token");
  }

  @Test
  void mountsTheEtcdClientCertificateFromItsSecret() {
    RenderedChart chart = RenderedChart.render(ValueSets.EXISTING_SECRET);
    JsonNode volume = DaemonSetTemplateTest.byName(volumes(chart), "etcd-client");

    assertThat(volume.path("secret").path("secretName").asText()).isEqualTo("fipkeeper-etcd-client");
    assertThat(DaemonSetTemplateTest.texts(volume.path("secret").path("items").findValues("key")))
        .containsExactly("ca.crt", "tls.crt", "tls.key");
    assertThat(RenderedChart.render(ValueSets.MINIMAL).agentContainer().path("volumeMounts").findValuesAsText("name"))
        .doesNotContain("etcd-client");
  }

  private static JsonNode tokenVolume(RenderedChart chart) {
    return DaemonSetTemplateTest.byName(volumes(chart), "hcloud-token");
  }

  private static JsonNode volumes(RenderedChart chart) {
    return chart.single("DaemonSet").path("spec").path("template").path("spec").path("volumes");
  }
}
