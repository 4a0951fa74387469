package io.fipkeeper.talos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

public class TalosPatchTest {
  private static final YAMLMapper YAML = new YAMLMapper();

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "ipv4-dns.yaml,   203.0.113.10, k8s.example.com, 6443",
      "ipv4-only.yaml,  203.0.113.10, ,                6443",
      "ipv6-dns.yaml,   2001:DB8:0:0::10, K8S.Example.COM., 6443",
      "ipv6-only.yaml,  2001:db8::10, ,                443"})
  void rendersTheGoldenPatch(String golden, String ip, String dns, int port) throws IOException {
    String yaml = TalosPatch.of(ip, dns, port).toYaml();

    assertThat(yaml).isEqualTo(golden(golden));
  }

  @Test
  void pointsTheEndpointAtTheDnsNameAndAddsBothToEverySanList() throws IOException {
    JsonNode patch = YAML.readTree(TalosPatch.of("203.0.113.10", "k8s.example.com", 6443).toYaml());

    assertThat(patch.path("cluster").path("controlPlane").path("endpoint").asText()).isEqualTo("https://k8s.example.com:6443");
    assertThat(texts(patch.path("cluster").path("apiServer").path("certSANs"))).containsExactly("203.0.113.10", "k8s.example.com");
    assertThat(texts(patch.path("machine").path("certSANs"))).containsExactly("203.0.113.10", "k8s.example.com");
    assertThat(fieldNames(patch)).containsExactly("cluster", "machine");
  }

  @Test
  void bracketsAnIpv6EndpointButNotItsSan() throws IOException {
    TalosPatch patch = TalosPatch.of("2001:0db8:0000:0000:0000:0000:0000:0010", null, 6443);
    JsonNode parsed = YAML.readTree(patch.toYaml());

    assertThat(patch.endpoint()).isEqualTo("https://[2001:db8::10]:6443");
    assertThat(parsed.path("cluster").path("controlPlane").path("endpoint").asText()).isEqualTo("https://[2001:db8::10]:6443");
    assertThat(texts(parsed.path("machine").path("certSANs"))).containsExactly("2001:db8::10");
    assertThat(parsed.path("machine").path("certSANs").get(0).isTextual()).isTrue();
  }

  @Test
  void usesTheIpForTheEndpointWhenThereIsNoDnsName() {
    assertThat(TalosPatch.of("203.0.113.10", "  ", 6443).endpoint()).isEqualTo("https://203.0.113.10:6443");
    assertThat(TalosPatch.of("203.0.113.10", null, 7443).certSans()).containsExactly("203.0.113.10");
  }

  @Test
  void rejectsAPortOutsideTheTcpRange() {
    assertThatThrownBy(() -> TalosPatch.of("203.0.113.10", null, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("invalid --port 0: must be between 1 and 65535");
    assertThatThrownBy(() -> TalosPatch.of("203.0.113.10", null, 65536))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--port 65536");
  }

  @Test
  void reportsTheFloatingIpBeforeTheDnsName() {
    assertThatThrownBy(() -> TalosPatch.of("300.1.1.1", "-bad", 6443))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("invalid --floating-ip '300.1.1.1'");
  }

  public static String golden(String name) throws IOException {
    try (InputStream in = TalosPatchTest.class.getResourceAsStream("/talos/" + name)) {
      assertThat(in).as("golden file talos/%s", name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> out = new ArrayList<>();
    node.fieldNames().forEachRemaining(out::add);
    return out;
  }
}
