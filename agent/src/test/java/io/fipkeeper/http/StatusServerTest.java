package io.fipkeeper.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fipkeeper.leader.AgentSnapshot;
import io.fipkeeper.leader.State;
import io.fipkeeper.metrics.AgentMetrics;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class StatusServerTest {
  private static final InetSocketAddress ANY_LOOPBACK_PORT =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
  private static final AgentSnapshot LEADING = new AgentSnapshot(
      "cp-1", 4242L, State.LEADING, "cp-1", "203.0.113.7", 4242L, true, 981L,
      Instant.parse("2026-11-25T16:00:00.123Z"), null, true, false, null);

  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final AtomicReference<AgentSnapshot> snapshot = new AtomicReference<>(LEADING);
  private final AtomicBoolean loopAlive = new AtomicBoolean(true);
  private final AtomicReference<Optional<String>> etcdProblem = new AtomicReference<>(Optional.empty());
  private final HealthChecks liveness = new HealthChecks()
      .add("leader-loop", loopAlive::get)
      .addProblem("tick", Optional::empty);
  private final HealthChecks readiness = new HealthChecks()
      .addProblem("etcd", etcdProblem::get)
      .add("config", () -> true);
  private final AgentMetrics metrics = new AgentMetrics("cp-1", "203.0.113.7", "9.9.9");
  private final List<StatusServer> servers = new ArrayList<>();
  private InetSocketAddress address;

  @BeforeEach
  void start() throws Exception {
    address = startServer(ANY_LOOPBACK_PORT, Duration.ofSeconds(30));
  }

  @AfterEach
  void stop() {
    servers.forEach(StatusServer::close);
    metrics.close();
  }

  private InetSocketAddress startServer(InetSocketAddress listen, Duration idle) throws BindException {
    StatusServer server = new StatusServer(listen, snapshot::get, liveness, readiness, metrics, "9.9.9", idle);
    servers.add(server);
    return server.start();
  }

  private HttpResponse<String> send(String method, String path, String accept) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + address.getPort() + path))
        .timeout(Duration.ofSeconds(10))
        .method(method, HttpRequest.BodyPublishers.noBody());
    if (accept != null) {
      request.header("Accept", accept);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return send("GET", path, null);
  }

  @Test
  void bindsAnEphemeralPortWhenAskedForPortZero() {
    assertThat(address.getPort()).isPositive();
    assertThat(address.getAddress().isLoopbackAddress()).isTrue();
  }

  @Test
  void healthzIsOkWhileEveryLivenessCheckPasses() throws Exception {
    HttpResponse<String> response = get("/healthz");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("ok\n");
    assertThat(response.headers().firstValue("Content-Type")).contains("text/plain; charset=utf-8");
  }

  @Test
  void healthzIs503WithOneLinePerFailingCheck() throws Exception {
    loopAlive.set(false);
    liveness.addProblem("last-tick", () -> Optional.of("no tick for 12s\n(limit 10s)"));

    HttpResponse<String> response = get("/healthz");

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.body()).isEqualTo("leader-loop: failed\nlast-tick: no tick for 12s (limit 10s)\n");
  }

  @Test
  void readyzFollowsReadinessChecksIndependentlyOfLiveness() throws Exception {
    assertThat(get("/readyz").statusCode()).isEqualTo(200);

    etcdProblem.set(Optional.of("unreachable at 127.0.0.1:2379"));

    HttpResponse<String> ready = get("/readyz");
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(ready.body()).isEqualTo("etcd: unreachable at 127.0.0.1:2379\n");
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
  }

  @Test
  void statusServesTheSnapshotAsJsonWithExactlyTheDocumentedFields() throws Exception {
    HttpResponse<String> response = get("/status");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
    Map<String, Object> json = new ObjectMapper().readValue(response.body(), new TypeReference<LinkedHashMap<String, Object>>() {});
    assertThat(json.keySet()).containsExactlyElementsOf(StatusJson.FIELDS);
    assertThat(json)
        .containsEntry("node", "cp-1")
        .containsEntry("serverId", 4242)
        .containsEntry("state", "LEADING")
        .containsEntry("leader", "cp-1")
        .containsEntry("floatingIp", "203.0.113.7")
        .containsEntry("assignedServer", 4242)
        .containsEntry("bound", true)
        .containsEntry("epoch", 981)
        .containsEntry("lastTransition", "2026-11-25T16:00:00.123Z")
        .containsEntry("lastError", null)
        .containsEntry("apiserverHealthy", true)
        .containsEntry("version", "9.9.9");
  }

  @Test
  void statusShowsTheLatestSnapshotOnEveryRequest() throws Exception {
    snapshot.set(new AgentSnapshot("cp-1", 4242L, State.SUSPENDED, null, "203.0.113.7", null, false, 981L,
        Instant.parse("2026-11-25T16:01:00Z"), "etcd keep-alive timed out", true, false, null));

    StatusJson status = StatusJson.parse(get("/status").body());

    assertThat(status.state()).isEqualTo("SUSPENDED");
    assertThat(status.leader()).isNull();
    assertThat(status.assignedServer()).isNull();
    assertThat(status.lastError()).isEqualTo("etcd keep-alive timed out");
  }

  @Test
  void statusIs503UntilTheFirstSnapshotExists() throws Exception {
    snapshot.set(null);

    HttpResponse<String> response = get("/status");

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.body()).isEqualTo("status not available yet\n");
  }

  @Test
  void metricsServesPrometheusTextWithItsContentType() throws Exception {
    metrics.setLeader(true);

    HttpResponse<String> response = get("/metrics");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .contains("text/plain; version=0.0.4; charset=utf-8");
    assertThat(response.body())
        .contains("# TYPE fipkeeper_leader gauge")
        .contains("fipkeeper_leader{floating_ip=\"203.0.113.7\",node=\"cp-1\"} 1.0")
        .contains("fipkeeper_build_info{floating_ip=\"203.0.113.7\",node=\"cp-1\",version=\"9.9.9\"} 1");
  }

  @Test
  void metricsServesOpenMetricsWhenTheScraperAsksForIt() throws Exception {
    HttpResponse<String> response = send("GET", "/metrics",
        "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).contains(AgentMetrics.OPENMETRICS_CONTENT_TYPE);
    assertThat(response.body()).endsWith("# EOF\n");
  }

  @Test
  void headAnswersWithTheGetHeadersAndNoBody() throws Exception {
    HttpResponse<String> response = send("HEAD", "/healthz", null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEmpty();
    assertThat(response.headers().firstValue("Content-Length")).contains("3");
  }

  @Test
  void unknownPathIs404WithAPlainMessage() throws Exception {
    HttpResponse<String> response = get("/admin");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).startsWith("not found: /admin");
    assertThat(response.headers().firstValue("Content-Type")).contains("text/plain; charset=utf-8");
  }

  @Test
  void otherMethodsThanGetAndHeadAre405WithAnAllowHeader() throws Exception {
    for (String method : List.of("POST", "PUT", "DELETE")) {
      HttpResponse<String> response = send(method, "/status", null);

      assertThat(response.statusCode()).as(method).isEqualTo(405);
      assertThat(response.headers().firstValue("Allow")).as(method).contains("GET, HEAD");
      assertThat(response.body()).as(method).startsWith("method not allowed: " + method);
    }
  }

  @Test
  void queryStringsDoNotChangeTheRoute() throws Exception {
    assertThat(get("/healthz?verbose=1").statusCode()).isEqualTo(200);
  }

  @Test
  void rejectsRequestBodiesLargerThanTheLimit() throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + address.getPort() + "/status"))
        .timeout(Duration.ofSeconds(10))
        .method("GET", HttpRequest.BodyPublishers.ofString("x".repeat(StatusServer.MAX_CONTENT_BYTES + 1)))
        .build();

    HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(413);
  }

  @Test
  void servesSeveralRequestsOnOneKeptAliveConnection() throws Exception {
    try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      String request = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
      out.write((request + request).getBytes(StandardCharsets.US_ASCII));
      out.flush();

      String responses = readUntil(socket.getInputStream(), 2, "ok\n");

      assertThat(responses.split("HTTP/1.1 200 OK", -1)).hasSize(3);
    }
  }

  @Test
  void closesConnectionsThatStayIdle() throws Exception {
    InetSocketAddress quick = startServer(ANY_LOOPBACK_PORT, Duration.ofMillis(200));
    try (Socket socket = new Socket(quick.getAddress(), quick.getPort())) {
      socket.setSoTimeout(5000);

      assertThat(socket.getInputStream().read()).as("end of stream after the idle timeout").isEqualTo(-1);
    }
  }

  @Test
  void bindConflictFailsWithOneLineMessageNamingTheAddress() {
    InetSocketAddress taken = new InetSocketAddress(address.getAddress(), address.getPort());

    assertThatThrownBy(() -> startServer(taken, Duration.ofSeconds(30)))
        .isInstanceOf(BindException.class)
        .hasMessageStartingWith("cannot listen on 127.0.0.1:" + address.getPort() + " (http.listen): ")
        .hasMessageContaining("in use")
        .hasMessageNotContaining("\n");
  }

  @Test
  void closeReleasesThePortAndCanBeCalledTwice() throws Exception {
    StatusServer first = servers.get(0);
    first.close();
    first.close();

    InetSocketAddress again = startServer(address, Duration.ofSeconds(30));

    assertThat(again.getPort()).isEqualTo(address.getPort());
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
  }

  @Test
  void startingTwiceIsRejected() {
    assertThatThrownBy(() -> servers.get(0).start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("status server already started");
  }

  @Test
  void namesAddressesLiterallyWithIpv6InBrackets() {
    assertThat(StatusServer.format(new InetSocketAddress("127.0.0.1", 9847))).isEqualTo("127.0.0.1:9847");
    assertThat(StatusServer.format(new InetSocketAddress("::1", 9847))).isEqualTo("[0:0:0:0:0:0:0:1]:9847");
    assertThat(StatusServer.format(InetSocketAddress.createUnresolved("cp-1.example", 9847)))
        .isEqualTo("cp-1.example:9847");
  }

  /** Reads until {@code marker} was seen {@code times} times; the socket timeout bounds the wait. */
  private static String readUntil(InputStream in, int times, String marker) throws Exception {
    StringBuilder seen = new StringBuilder();
    byte[] buffer = new byte[1024];
    while (seen.toString().split(marker, -1).length <= times) {
      int n = in.read(buffer);
      if (n < 0) {
        break;
      }
      seen.append(new String(buffer, 0, n, StandardCharsets.US_ASCII));
    }
    return seen.toString();
  }
}
