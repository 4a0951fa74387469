package io.fipkeeper.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.fipkeeper.config.ProbeSettings;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ApiserverProbeTest {
  @TempDir Path dir;
  private HttpServer server;
  private final AtomicInteger status = new AtomicInteger(200);
  private final AtomicInteger requests = new AtomicInteger();
  private final CountDownLatch release = new CountDownLatch(1);
  private volatile boolean hang;
  private final List<Boolean> verdicts = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/readyz", exchange -> {
      requests.incrementAndGet();
      if (hang) {
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      exchange.sendResponseHeaders(status.get(), -1);
      exchange.close();
    });
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
  }

  @AfterEach
  void stop() {
    release.countDown();
    server.stop(0);
    scheduler.shutdownNow();
  }

  private URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/readyz");
  }

  private ApiserverProbe probe(URI url, int failures, int successes, Duration timeout) {
    ProbeSettings s = new ProbeSettings(true, url, Duration.ofMillis(100), timeout, failures, successes,
        Optional.empty(), false);
    return new ApiserverProbe(s, scheduler, verdicts::add);
  }

  @Test
  void consecutiveThresholdsDecideTheVerdictAndOnlyChangesAreReported() {
    ApiserverProbe probe = probe(url(), 3, 2, Duration.ofSeconds(5));
    assertThat(probe.verdict()).isEmpty();
    int[] statuses = {200, 200, 500, 200, 503, 500, 500, 200, 200, 200};
    boolean[] single = new boolean[statuses.length];
    for (int i = 0; i < statuses.length; i++) {
      status.set(statuses[i]);
      single[i] = probe.checkNow();
    }
    assertThat(single).containsExactly(true, true, false, true, false, false, false, true, true, true);
    assertThat(verdicts).containsExactly(false, true, false, true);
    assertThat(probe.verdict()).contains(true);
    assertThat(requests.get()).isEqualTo(statuses.length);
  }

  @Test
  void onlyStatus200CountsAsHealthy() {
    ApiserverProbe probe = probe(url(), 1, 1, Duration.ofSeconds(5));
    for (int code : new int[] {201, 204, 301, 401, 403, 404, 500}) {
      status.set(code);
      assertThat(probe.checkNow()).as("status %d", code).isFalse();
    }
    status.set(200);
    assertThat(probe.checkNow()).isTrue();
  }

  @Test
  void aHangingApiserverFailsAtTheTimeout() {
    hang = true;
    ApiserverProbe probe = probe(url(), 1, 1, Duration.ofMillis(300));
    long start = System.nanoTime();
    assertThat(probe.checkNow()).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    assertThat(verdicts).containsExactly(false);
  }

  @Test
  void aClosedPortIsAFailure() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    ApiserverProbe probe = probe(URI.create("http://127.0.0.1:" + port + "/readyz"), 1, 1, Duration.ofSeconds(2));
    assertThat(probe.checkNow()).isFalse();
    assertThat(probe.verdict()).contains(false);
  }

  @Test
  void startedProbeChecksOnTheSchedulerUntilClosed() {
    ApiserverProbe probe = probe(url(), 2, 1, Duration.ofSeconds(5));
    probe.start();
    await("healthy verdict from the scheduled checks").atMost(Duration.ofSeconds(10))
        .until(() -> verdicts.equals(List.of(true)));
    status.set(500);
    await("unhealthy after two failed checks").atMost(Duration.ofSeconds(10))
        .until(() -> verdicts.equals(List.of(true, false)));
    probe.close();
    int after = requests.get();
    // the schedule is cancelled: at most the one check in flight at close time may still land
    await("no more checks after close").during(Duration.ofMillis(400)).atMost(Duration.ofSeconds(5))
        .until(() -> requests.get() <= after + 1);
  }

  @Test
  void disabledProbeReportsHealthyAtOnceWithoutRequests() {
    ScheduledExecutorService unusable = Executors.newSingleThreadScheduledExecutor();
    unusable.shutdown();
    ProbeSettings off = new ProbeSettings(false, url(), Duration.ofSeconds(1), Duration.ofSeconds(1), 3, 1,
        Optional.empty(), false);
    ApiserverProbe probe = new ApiserverProbe(off, unusable, verdicts::add);
    assertThat(probe.verdict()).isEmpty();
    probe.start();
    probe.start();
    assertThat(verdicts).containsExactly(true);
    assertThat(probe.verdict()).contains(true);
    assertThat(probe.checkNow()).isTrue();
    assertThat(requests.get()).isZero();
  }

  @Test
  void tlsWithInsecureSkipVerifyOrTheCaFileAndFailsOnAnUntrustedCertificate() throws Exception {
    Path keystore = dir.resolve("server.p12");
    Path ca = dir.resolve("ca.pem");
    keytool("-genkeypair", "-alias", "srv", "-keyalg", "EC", "-dname", "CN=localhost", "-ext",
        "san=ip:127.0.0.1,dns:localhost", "-validity", "2", "-keystore", keystore.toString(), "-storetype",
        "PKCS12", "-storepass", "changeit", "-keypass", "changeit");
    keytool("-exportcert", "-rfc", "-alias", "srv", "-keystore", keystore.toString(), "-storepass", "changeit",
        "-file", ca.toString());
    HttpsServer https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    https.setHttpsConfigurator(new HttpsConfigurator(serverContext(keystore)));
    https.createContext("/readyz", exchange -> {
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    https.start();
    try {
      URI url = URI.create("https://127.0.0.1:" + https.getAddress().getPort() + "/readyz");
      ApiserverProbe insecure = new ApiserverProbe(new ProbeSettings(true, url, Duration.ofSeconds(1),
          Duration.ofSeconds(5), 1, 1, Optional.empty(), true), scheduler, v -> { });
      ApiserverProbe withCa = new ApiserverProbe(new ProbeSettings(true, url, Duration.ofSeconds(1),
          Duration.ofSeconds(5), 1, 1, Optional.of(ca), false), scheduler, v -> { });
      ApiserverProbe untrusted = new ApiserverProbe(new ProbeSettings(true, url, Duration.ofSeconds(1),
          Duration.ofSeconds(5), 1, 1, Optional.empty(), false), scheduler, v -> { });
      assertThat(insecure.checkNow()).as("insecureSkipVerify").isTrue();
      assertThat(withCa.checkNow()).as("CA file").isTrue();
      assertThat(untrusted.checkNow()).as("JDK default trust").isFalse();
    } finally {
      https.stop(0);
    }
  }

  @Test
  void aCaFileWithoutCertificatesIsRejectedWithAOneLineMessage() throws IOException {
    Path bogus = dir.resolve("bogus.pem");
    Files.writeString(bogus, "not a certificate\n");
    ProbeSettings s = new ProbeSettings(true, url(), Duration.ofSeconds(1), Duration.ofSeconds(1), 1, 1,
        Optional.of(bogus), false);
    assertThatThrownBy(() -> new ApiserverProbe(s, scheduler, v -> { }))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("apiserver.caFile:")
        .hasMessageContaining(bogus.toString()).satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  private static void keytool(String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("keytool finished").isTrue();
    assertThat(p.exitValue()).as("keytool: %s", out).isZero();
  }

  private static SSLContext serverContext(Path keystore) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = new FileInputStream(keystore.toFile())) {
      ks.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, "changeit".toCharArray());
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    return ctx;
  }
}
