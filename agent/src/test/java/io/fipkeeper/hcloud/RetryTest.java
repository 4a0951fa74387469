package io.fipkeeper.hcloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Retry, backoff and rate-limit behaviour, timed by a fake sleeper so nothing really waits. */
@Timeout(30)
class RetryTest {
  private ScriptedServer server;
  private FakeTime time;
  private final List<String> events = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server = new ScriptedServer();
    time = new FakeTime();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HcloudClient.Builder client() {
    return Fixtures.client(server, time).listener((op, code) -> events.add(op + " " + code));
  }

  private static List<Duration> seconds(double... values) {
    List<Duration> durations = new ArrayList<>();
    for (double value : values) {
      durations.add(Duration.ofMillis(Math.round(value * 1000)));
    }
    return durations;
  }

  @Test
  void backoffFollowsHcloudGoScheduleWithJitterAndStopsAfterSixAttempts() {
    HcloudClient client = client().maxRetries(5).build();
    for (int i = 0; i < 6; i++) {
      server.enqueue(ScriptedServer.apiError(409, "conflict", "resource has changed"));
    }

    HcloudException e = catchThrowableOfType(HcloudException.class, () -> client.getFloatingIp(1));

    assertThat(e.code()).isEqualTo("conflict");
    assertThat(server.requests()).hasSize(6);
    // base + 0.5 * (min(cap, base * 2^n) - base): 1, 1.5, 2.5, 4.5, 8.5 seconds
    assertThat(time.sleeps()).isEqualTo(seconds(1, 1.5, 2.5, 4.5, 8.5));
    assertThat(events).hasSize(6).containsOnly("get_floating_ip 409");
  }

  @Test
  void backoffWithoutJitterDoublesUpToTheCap() {
    HcloudClient client = client().maxRetries(5)
        .backoff(Duration.ofSeconds(1), Duration.ofSeconds(4), 2, false).build();
    for (int i = 0; i < 6; i++) {
      server.enqueue(ScriptedServer.apiError(504, "timeout", "request timed out"));
    }

    catchThrowableOfType(HcloudException.class, () -> client.getFloatingIp(1));

    assertThat(time.sleeps()).isEqualTo(seconds(1, 2, 4, 4, 4));
  }

  @Test
  void transientFailuresThenSuccessReturnTheResult() throws Exception {
    HcloudClient client = client().build();
    server.enqueue(ScriptedServer.apiError(502, "bad_gateway", "bad gateway"),
        ScriptedServer.apiError(503, "unavailable", "service unavailable"),
        Fixtures.fip(1, 42L));

    FloatingIp fip = client.getFloatingIp(1);

    assertThat(fip.server()).isEqualTo(42L);
    assertThat(server.requests()).hasSize(3);
    assertThat(time.sleeps()).isEqualTo(seconds(1, 1.5));
    assertThat(events).containsExactly("get_floating_ip 502", "get_floating_ip 503", "get_floating_ip 200");
  }

  @Test
  void postIsRetriedOnConflictLikeHcloudGo() throws Exception {
    HcloudClient client = client().build();
    server.enqueue(ScriptedServer.apiError(409, "conflict", "changed"), Fixtures.action(201, 13, "running"));

    HcloudAction action = client.assignFloatingIp(4711, 42);

    assertThat(action.id()).isEqualTo(13);
    assertThat(server.requests()).extracting(ScriptedServer.Recorded::method).containsExactly("POST", "POST");
  }

  @Test
  void rateLimitWaitComesFromHeadersWhenTheBucketIsEmpty() throws Exception {
    HcloudClient client = client().build();
    long reset = time.instant().plusSeconds(3600).getEpochSecond();
    server.enqueue(rateLimited(3600, 0, reset), Fixtures.fip(1, null));

    client.getFloatingIp(1);

    // 3600/h refills one request per second: wait exactly that, not a blind backoff
    assertThat(time.sleeps()).isEqualTo(seconds(1));
    assertThat(client.lastRateLimit().remaining()).as("the 429's headers; the 200 had none").isZero();
    assertThat(events).containsExactly("get_floating_ip 429", "get_floating_ip 200");
  }

  @Test
  void rateLimitWaitScalesWithASmallerLimit() throws Exception {
    HcloudClient client = client().build();
    server.enqueue(rateLimited(360, 0, time.instant().plusSeconds(3600).getEpochSecond()),
        rateLimited(360, 0, time.instant().plusSeconds(3600).getEpochSecond()), Fixtures.fip(1, null));

    client.getFloatingIp(1);

    assertThat(time.sleeps()).isEqualTo(seconds(10, 10));
  }

  @Test
  void rateLimitWaitFollowsTheResetTimeWhenTheBucketRefillsFasterThanHourly() throws Exception {
    HcloudClient client = client().build();
    // a simulator with 60 requests per minute: full again in 60s, so one request is back after 1s, not 60s
    server.enqueue(rateLimited(60, 0, time.instant().plusSeconds(60).getEpochSecond()),
        rateLimited(5, 0, time.instant().plusSeconds(11).getEpochSecond()), Fixtures.fip(1, null));

    client.getFloatingIp(1);

    assertThat(time.sleeps()).isEqualTo(seconds(1, 2));
  }

  @Test
  void rateLimitWaitIsCapped() throws Exception {
    HcloudClient client = client().build();
    server.enqueue(rateLimited(36, 0, time.instant().plusSeconds(3600).getEpochSecond()), Fixtures.fip(1, null));

    client.getFloatingIp(1);

    assertThat(time.sleeps()).isEqualTo(seconds(60));
  }

  @Test
  void retryAfterHeaderIsHonoured() throws Exception {
    HcloudClient client = client().build();
    server.enqueue(rateLimited(3600, 0, time.instant().plusSeconds(10).getEpochSecond()).header("Retry-After", "7"),
        ScriptedServer.apiError(503, "unavailable", "down").header("Retry-After", "2"), Fixtures.fip(1, null));

    client.getFloatingIp(1);

    assertThat(time.sleeps()).isEqualTo(seconds(7, 2));
  }

  @Test
  void rateLimitWithoutHeadersFallsBackToBackoff() throws Exception {
    HcloudClient client = client().build();
    server.enqueue(ScriptedServer.apiError(429, "rate_limit_exceeded", "slow down"),
        ScriptedServer.apiError(429, "rate_limit_exceeded", "slow down"), Fixtures.fip(1, null));

    client.getFloatingIp(1);

    assertThat(time.sleeps()).isEqualTo(seconds(1, 1.5));
  }

  @Test
  void rateLimitedUntilAttemptsRunOutGivesRetryableError() {
    HcloudClient client = client().maxRetries(2).build();
    for (int i = 0; i < 3; i++) {
      server.enqueue(rateLimited(3600, 0, time.instant().plusSeconds(3600).getEpochSecond()));
    }

    HcloudException e = catchThrowableOfType(HcloudException.class, () -> client.getFloatingIp(1));

    assertThat(e.code()).isEqualTo("rate_limit_exceeded");
    assertThat(e.retryable()).isTrue();
    assertThat(server.requests()).hasSize(3);
    assertThat(client.lastRateLimit().remaining()).isZero();
  }

  @Test
  void nonJsonBadGatewayAndGatewayTimeoutAreRetried() throws Exception {
    HcloudClient client = client().build();
    server.enqueue(new ScriptedServer.Reply(502, "<html>502 Bad Gateway</html>"),
        new ScriptedServer.Reply(504, "<html>504 Gateway Time-out</html>"), Fixtures.fip(1, null));

    client.getFloatingIp(1);

    assertThat(server.requests()).hasSize(3);
    assertThat(events).containsExactly("get_floating_ip 502", "get_floating_ip 504", "get_floating_ip 200");
  }

  @Test
  void serverErrorIsNotRetriedButCountsAsRetryable() {
    HcloudClient client = client().build();
    server.enqueue(ScriptedServer.apiError(500, "server_error", "oops"));

    HcloudException e = catchThrowableOfType(HcloudException.class, () -> client.getFloatingIp(1));

    assertThat(server.requests()).hasSize(1);
    assertThat(e.retryable()).isTrue();
  }

  @Test
  void lockedIsNotRetriedByTheGenericPath() {
    HcloudClient client = client().build();
    server.enqueue(ScriptedServer.apiError(423, "locked", "Floating IP is locked"));

    HcloudException e = catchThrowableOfType(HcloudException.class, () -> client.assignFloatingIp(1, 2));

    assertThat(e.isLocked()).isTrue();
    assertThat(server.requests()).hasSize(1);
    assertThat(time.sleeps()).isEmpty();
  }

  @Test
  void droppedConnectionIsRetriedAndCountedAsNetworkError() throws Exception {
    HcloudClient client = client().build();
    server.enqueue(ScriptedServer.dropConnection(), Fixtures.fip(1, 42L));

    FloatingIp fip = client.getFloatingIp(1);

    assertThat(fip.server()).isEqualTo(42L);
    assertThat(events).containsExactly("get_floating_ip network_error", "get_floating_ip 200");
    assertThat(time.sleeps()).isEqualTo(seconds(1));
  }

  @Test
  void droppedConnectionEveryTimeGivesANetworkErrorNamingTheEndpoint() {
    HcloudClient client = client().maxRetries(1).build();
    server.enqueue(ScriptedServer.dropConnection(), ScriptedServer.dropConnection());

    HcloudException e = catchThrowableOfType(HcloudException.class, () -> client.getFloatingIp(1));

    assertThat(e.code()).isEqualTo(HcloudException.NETWORK_ERROR);
    assertThat(e.status()).isZero();
    assertThat(e.retryable()).isTrue();
    assertThat(e.getMessage()).startsWith("hcloud get_floating_ip failed: code=network_error")
        .contains(server.baseUrl().toString()).doesNotContain("\n");
  }

  @Test
  void slowResponseTimesOutAndIsRetried() throws Exception {
    HcloudClient client = client().requestTimeout(Duration.ofMillis(1000)).build();
    server.enqueue(ScriptedServer.hang(), Fixtures.fip(1, 42L));

    FloatingIp fip = client.getFloatingIp(1);

    assertThat(fip.server()).isEqualTo(42L);
    assertThat(events).containsExactly("get_floating_ip network_error", "get_floating_ip 200");
  }

  @Test
  void slowResponseEveryTimeSaysHowLongItWaited() {
    HcloudClient client = client().requestTimeout(Duration.ofMillis(1000)).maxRetries(1).build();
    server.enqueue(ScriptedServer.hang(), ScriptedServer.hang());

    HcloudException e = catchThrowableOfType(HcloudException.class, () -> client.getFloatingIp(1));

    assertThat(e.code()).isEqualTo(HcloudException.NETWORK_ERROR);
    assertThat(e.getMessage()).contains("no response within 1000ms");
    assertThat(server.requests()).hasSize(2);
  }

  @Test
  void connectionRefusedIsRetriedThenReported() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    HcloudClient client = client().baseUrl(URI.create("http://127.0.0.1:" + port + "/v1")).maxRetries(2).build();

    HcloudException e = catchThrowableOfType(HcloudException.class, () -> client.getFloatingIp(1));

    assertThat(e.code()).isEqualTo(HcloudException.NETWORK_ERROR);
    assertThat(e.getMessage()).contains("could not connect to http://127.0.0.1:" + port);
    assertThat(events).containsExactly(
        "get_floating_ip network_error", "get_floating_ip network_error", "get_floating_ip network_error");
    assertThat(time.sleeps()).hasSize(2);
  }

  @Test
  void interruptDuringBackoffStopsRetryingAndKeepsTheFlag() {
    HcloudClient client = client().sleeper(d -> {
      throw new InterruptedException();
    }).build();
    server.enqueue(ScriptedServer.apiError(409, "conflict", "changed"));

    HcloudException e = catchThrowableOfType(HcloudException.class, () -> client.getFloatingIp(1));

    assertThat(e.code()).isEqualTo(HcloudException.INTERRUPTED);
    assertThat(Thread.interrupted()).isTrue();
    assertThat(server.requests()).hasSize(1);
  }

  private ScriptedServer.Reply rateLimited(int limit, int remaining, long reset) {
    return ScriptedServer.apiError(429, "rate_limit_exceeded", "limit of " + limit + " requests per hour reached")
        .header("RateLimit-Limit", String.valueOf(limit))
        .header("RateLimit-Remaining", String.valueOf(remaining))
        .header("RateLimit-Reset", String.valueOf(reset));
  }

  @Test
  void rateLimitResetInThePastFallsBackToTheRefillRate() throws Exception {
    HcloudClient client = client().build();
    Instant past = time.instant().minusSeconds(30);
    server.enqueue(rateLimited(720, 0, past.getEpochSecond()), Fixtures.fip(1, null));

    client.getFloatingIp(1);

    assertThat(time.sleeps()).isEqualTo(seconds(5));
  }
}
