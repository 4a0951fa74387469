package io.fipkeeper.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ApiEndpointTest {
  private static final Path AGENT_JAR = Path.of("../agent/target/fipkeeper.jar");

  @Test
  void readsTheEndpointAndTheApiserverSansFromAPatch() {
    ApiEndpoint e = ApiEndpoint.parse("""
        # comment
        cluster:
          controlPlane:
            endpoint: "https://k8s.example.com:6443"
          apiServer:
            certSANs:
              - "203.0.113.10"
              - "k8s.example.com"
        machine:
          certSANs:
            - "203.0.113.10"
            - "machine-only.example.com"
        """);

    assertThat(e.host()).isEqualTo("k8s.example.com");
    assertThat(e.port()).isEqualTo(6443);
    assertThat(e.certSans()).containsExactly("203.0.113.10", "k8s.example.com");
  }

  @Test
  void aPatchWithoutSansIsAnError() {
    assertThatThrownBy(() -> ApiEndpoint.parse("cluster:\n  controlPlane:\n    endpoint: \"https://x:6443\"\n"))
        .isInstanceOf(TestbedException.class).hasMessageContaining("no endpoint or no apiServer certSANs");
  }

  /** The fallback for stand-in agents must stay what the real talos-patch prints. */
  @Test
  void theFallbackIsWhatTalosPatchPrints() {
    assumeTrue(Files.isRegularFile(AGENT_JAR), "agent jar not built: " + AGENT_JAR);

    ApiEndpoint real = ApiEndpoint.fromTalosPatch(AGENT_JAR, Network.FLOATING_IP, ApiEndpoint.DNS_NAME);

    assertThat(real).isEqualTo(ApiEndpoint.fallback(Network.FLOATING_IP));
  }
}
