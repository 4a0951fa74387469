package io.fipkeeper.hcloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class MetadataClientTest {
  private ScriptedServer server;
  private MetadataClient metadata;

  @BeforeEach
  void start() throws Exception {
    server = new ScriptedServer();
    metadata = new MetadataClient(URI.create(server.rootUrl() + "/hetzner/v1/metadata/"), Duration.ofSeconds(2));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void readsTrimmedIdentityFromThePlainTextPaths() throws Exception {
    server.enqueue(new ScriptedServer.Reply(200, "42\n"), new ScriptedServer.Reply(200, " cp-1\n"),
        new ScriptedServer.Reply(200, "1.2.3.4"));

    assertThat(metadata.instanceId()).isEqualTo(42);
    assertThat(metadata.hostname()).isEqualTo("cp-1");
    assertThat(metadata.publicIpv4()).isEqualTo("1.2.3.4");
    assertThat(server.requests()).extracting(ScriptedServer.Recorded::path).containsExactly(
        "/hetzner/v1/metadata/instance-id", "/hetzner/v1/metadata/hostname", "/hetzner/v1/metadata/public-ipv4");
    assertThat(server.request(0).header("Authorization")).isNull();
  }

  @Test
  void nonSuccessStatusIsAClearError() {
    server.enqueue(new ScriptedServer.Reply(404, "not found"));

    HcloudException e = catchThrowableOfType(HcloudException.class, () -> metadata.instanceId());

    assertThat(e.status()).isEqualTo(404);
    assertThat(e.getMessage()).contains("/hetzner/v1/metadata/instance-id answered 404: not found")
        .doesNotContain("\n");
  }

  @Test
  void nonNumericInstanceIdIsAClearError() {
    server.enqueue(new ScriptedServer.Reply(200, "<html>captive portal</html>"));

    HcloudException e = catchThrowableOfType(HcloudException.class, () -> metadata.instanceId());

    assertThat(e.code()).isEqualTo(HcloudException.INVALID_RESPONSE);
    assertThat(e.getMessage()).contains("not a number");
  }

  @Test
  void unreachableServiceIsANetworkError() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    MetadataClient down = new MetadataClient(URI.create("http://127.0.0.1:" + port + "/hetzner/v1/metadata"));

    HcloudException e = catchThrowableOfType(HcloudException.class, down::hostname);

    assertThat(e.code()).isEqualTo(HcloudException.NETWORK_ERROR);
    assertThat(e.getMessage()).contains("http://127.0.0.1:" + port + "/hetzner/v1/metadata/hostname");
  }

  @Test
  void slowServiceTimesOut() {
    MetadataClient impatient = new MetadataClient(
        URI.create(server.rootUrl() + "/hetzner/v1/metadata"), Duration.ofMillis(1000));
    server.enqueue(ScriptedServer.hang());

    HcloudException e = catchThrowableOfType(HcloudException.class, impatient::publicIpv4);

    assertThat(e.getMessage()).contains("no answer within 1000ms");
  }
}
