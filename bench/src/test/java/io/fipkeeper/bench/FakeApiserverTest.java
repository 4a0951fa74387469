package io.fipkeeper.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fake apiserver on loopback (no root needed): TLS with a testbed-CA certificate that a client trusting that
 * CA accepts and one trusting another CA refuses, the endpoints kubectl reads, health switching, and the real
 * kubectl (when installed) verifying it through a kubeconfig written by {@link Kubeconfig}.
 */
@Timeout(120)
class FakeApiserverTest {
  @TempDir
  Path dir;
  private TestbedCa ca;
  private FakeApiserver api;
  private int port;

  @BeforeEach
  void start() {
    ca = TestbedCa.create("test CA");
    port = Testbed.freePort();
    Node node = new Node(1, "cp-1", null, "127.0.0.1", 0, 0, 0);
    Path keystore = ca.issueServer("cp-1", List.of("127.0.0.1", ApiEndpoint.DNS_NAME), dir.resolve("cp-1.p12"));
    api = FakeApiserver.start(node, "127.0.0.1:" + port, "127.0.0.1:" + port,
        "https://127.0.0.1:" + port + "/readyz", keystore, dir.resolve("apiserver.log"));
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void servesHealthAndDiscoveryOverTlsThatTheTestbedCaVerifies() throws Exception {
    HttpClient client = HttpClient.newBuilder().sslContext(trusting(ca)).connectTimeout(Duration.ofSeconds(5)).build();

    HttpResponse<String> ready = get(client, "/readyz");
    HttpResponse<String> version = get(client, "/version");
    HttpResponse<String> apis = get(client, "/apis");
    HttpResponse<String> api = get(client, "/api");
    HttpResponse<String> missing = get(client, "/api/v1/pods");

    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).isEqualTo("ok");
    assertThat(version.body()).contains("\"gitVersion\":\"v1.32.3\"");
    assertThat(apis.body()).contains("\"kind\":\"APIGroupList\"");
    assertThat(api.body()).contains("\"kind\":\"APIVersions\"", "\"serverAddress\":\"127.0.0.1:" + port + "\"");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.body()).contains("\"reason\":\"NotFound\"");
  }

  @Test
  void aClientTrustingAnotherCaRefusesTheCertificate() throws Exception {
    HttpClient stranger = HttpClient.newBuilder().sslContext(trusting(TestbedCa.create("other CA"))).build();

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> get(stranger, "/readyz"))
        .isInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void unhealthyMakesReadyzFailAndProbesAreCounted() throws Exception {
    HttpClient client = HttpClient.newBuilder().sslContext(trusting(ca)).build();
    long before = this.api.probes();

    this.api.healthy(false);
    HttpResponse<String> down = get(client, "/readyz");
    this.api.healthy(true);
    HttpResponse<String> up = get(client, "/livez");

    assertThat(down.statusCode()).isEqualTo(500);
    assertThat(down.body()).contains("readyz check failed");
    assertThat(up.statusCode()).isEqualTo(200);
    assertThat(this.api.probes()).isEqualTo(before + 2);
  }

  @Test
  void realKubectlVerifiesTheCertificateThroughTheKubeconfig() throws Exception {
    assumeTrue(Files.isExecutable(Kubeconfig.KUBECTL), "kubectl not installed (apt-get install kubernetes-client)");
    ApiEndpoint byIp = new ApiEndpoint(URI.create("https://127.0.0.1:" + port), List.of("127.0.0.1"));
    Kubeconfig good = Kubeconfig.write(dir.resolve("good.yaml"), byIp, ca.caPem());
    Kubeconfig wrongCa = Kubeconfig.write(dir.resolve("wrong.yaml"), byIp, TestbedCa.create("other CA").caPem());

    Command.Result ok = kubectl(good, "get", "--raw", "/readyz");
    Command.Result version = kubectl(good, "version", "-o", "json");
    Command.Result refused = kubectl(wrongCa, "get", "--raw", "/readyz");

    assertThat(ok.exitCode()).as(ok.stderr()).isZero();
    assertThat(ok.stdout()).isEqualTo("ok");
    assertThat(version.stdout()).contains("\"serverVersion\"", "v1.32.3");
    assertThat(refused.exitCode()).isNotZero();
    assertThat(refused.stderr()).contains("certificate signed by unknown authority");
    assertThat(good.unchanged()).isTrue();
  }

  private Command.Result kubectl(Kubeconfig config, String... args) {
    List<String> argv = new java.util.ArrayList<>(List.of(Kubeconfig.KUBECTL.toString(), "--kubeconfig",
        config.file().toString(), "--request-timeout=10s"));
    argv.addAll(List.of(args));
    return Command.exec(argv, 30_000);
  }

  private HttpResponse<String> get(HttpClient client, String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static SSLContext trusting(TestbedCa ca) throws Exception {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    store.setCertificateEntry("ca", ca.certificate());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }
}
