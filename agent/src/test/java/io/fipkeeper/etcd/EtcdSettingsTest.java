package io.fipkeeper.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Settings and key layout are checked before anything connects, with messages naming the argument. */
class EtcdSettingsTest {

  private static final List<URI> LOCAL = List.of(URI.create("http://127.0.0.1:2379"));

  @Test
  void certificateWithoutKeyNamesBothSettings() {
    assertThatThrownBy(() -> new EtcdSettings(LOCAL, null, Path.of("/tls.crt"), null, Duration.ofSeconds(2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("certFile and keyFile").hasMessageContaining("/tls.crt");
  }

  @Test
  void noEndpointIsRejected() {
    assertThatThrownBy(() -> EtcdSettings.plain(List.of())).hasMessageStartingWith("endpoints:");
  }

  @Test
  void zeroDialTimeoutIsRejected() {
    assertThatThrownBy(() -> new EtcdSettings(LOCAL, null, null, null, Duration.ZERO)).hasMessageStartingWith("dialTimeout:");
  }

  @Test
  void missingTlsFileIsAOneLineConfigurationError() {
    EtcdSettings settings = new EtcdSettings(LOCAL, Path.of("/nonexistent/ca.crt"), null, null, Duration.ofSeconds(2));

    assertThatThrownBy(settings::newClient).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("etcd TLS files: cannot load").hasMessageNotContaining("\n");
  }

  @Test
  void keysFollowTheDocumentedLayout() {
    ElectionKeys keys = ElectionKeys.of("/fipkeeper/", "203.0.113.10");

    assertThat(ElectionKeys.string(keys.electionName())).isEqualTo("/fipkeeper/203.0.113.10/election");
    assertThat(ElectionKeys.string(keys.holder())).isEqualTo("/fipkeeper/203.0.113.10/holder");
    assertThat(ElectionKeys.string(keys.agent("cp-1"))).isEqualTo("/fipkeeper/203.0.113.10/agents/cp-1");
  }

  @Test
  void aFloatingIpWithAPrefixLengthIsRejected() {
    assertThatThrownBy(() -> ElectionKeys.of("/fipkeeper", "203.0.113.10/32")).hasMessageStartingWith("floatingIp:");
  }
}
