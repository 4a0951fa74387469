package io.fipkeeper.hcloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every row of the reference's error table (plus hcloud-go's extra codes): the typed exception, whether the
 * client retried it by itself, and whether it counts as retryable for the caller.
 */
@Timeout(30)
class HcloudErrorTest {
  private ScriptedServer server;
  private FakeTime time;

  @BeforeEach
  void start() throws Exception {
    server = new ScriptedServer();
    time = new FakeTime();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @ParameterizedTest(name = "{0} {1}: auto-retried={2} retryable={3}")
  @CsvSource({
      "400, json_error, false, false",
      "401, unauthorized, false, false",
      "401, token_readonly, false, false",
      "403, forbidden, false, false",
      "403, maintenance, false, false",
      "403, resource_limit_exceeded, false, false",
      "404, not_found, false, false",
      "405, method_not_allowed, false, false",
      "409, uniqueness_error, false, false",
      "409, conflict, true, true",
      "410, deprecated_api_endpoint, false, false",
      "412, resource_unavailable, false, false",
      "422, invalid_input, false, false",
      "422, service_error, false, false",
      "422, unsupported_error, false, false",
      "423, locked, false, true",
      "423, protected, false, false",
      "429, rate_limit_exceeded, true, true",
      "500, server_error, false, true",
      "503, unavailable, true, true",
      "504, timeout, true, true",
      "502, bad_gateway, true, true",
      "423, resource_locked, false, false",
      "503, robot_unavailable, false, true",
      "500, unknown_error, false, true",
      "429, limit_reached, true, true",
  })
  void apiErrorBecomesTypedExceptionAndIsRetriedOnlyWhenTransient(
      int status, String code, boolean autoRetried, boolean retryable) {
    int maxRetries = 2;
    HcloudClient client = Fixtures.client(server, time).maxRetries(maxRetries).build();
    for (int i = 0; i <= maxRetries; i++) {
      server.enqueue(ScriptedServer.apiError(status, code, "scripted " + code));
    }

    HcloudException e = catchThrowableOfType(HcloudException.class, () -> client.assignFloatingIp(4711, 42));

    assertThat(e.status()).isEqualTo(status);
    assertThat(e.code()).isEqualTo(code);
    assertThat(e.apiMessage()).isEqualTo("scripted " + code);
    assertThat(e.correlationId()).isEqualTo("corr-" + code);
    assertThat(e.operation()).isEqualTo("assign");
    assertThat(e.retryable()).isEqualTo(retryable);
    assertThat(e.isLocked()).isEqualTo(code.equals("locked"));
    assertThat(e.getMessage())
        .isEqualTo("hcloud assign failed: status=" + status + " code=" + code + " message=\"scripted " + code
            + "\" correlation_id=corr-" + code)
        .doesNotContain(Fixtures.TOKEN);
    assertThat(server.requests()).hasSize(autoRetried ? maxRetries + 1 : 1);
    assertThat(time.sleeps()).hasSize(autoRetried ? maxRetries : 0);
  }

  @Test
  void invalidInputDetailsAreKept() {
    HcloudClient client = Fixtures.client(server, time).build();
    server.enqueue(ScriptedServer.json(422, "{\"error\":{\"code\":\"invalid_input\",\"message\":"
        + "\"invalid input in field 'server': is missing\",\"details\":{\"fields\":[{\"name\":\"server\","
        + "\"messages\":[\"is missing\"]}]}}}"));

    HcloudException e = catchThrowableOfType(HcloudException.class, () -> client.assignFloatingIp(1, 2));

    assertThat(e.details().path("fields").get(0).path("name").asText()).isEqualTo("server");
    assertThat(e.getMessage()).contains("invalid input in field 'server': is missing");
  }

  @Test
  void resourceLimitDetailsAreKept() {
    HcloudClient client = Fixtures.client(server, time).build();
    server.enqueue(ScriptedServer.json(403, "{\"error\":{\"code\":\"resource_limit_exceeded\",\"message\":"
        + "\"limit\",\"details\":{\"limits\":[{\"name\":\"floating_ip_limit\"}]}}}"));

    HcloudException e = catchThrowableOfType(HcloudException.class, () -> client.getFloatingIp(1));

    assertThat(e.details().path("limits").get(0).path("name").asText()).isEqualTo("floating_ip_limit");
  }

  @Test
  void notFoundIsFlaggedAndNotRetryable() {
    HcloudClient client = Fixtures.client(server, time).build();
    server.enqueue(ScriptedServer.apiError(404, "not_found", "Floating IP not found"));

    HcloudException e = catchThrowableOfType(HcloudException.class, () -> client.getFloatingIp(99));

    assertThat(e.isNotFound()).isTrue();
    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage()).startsWith("hcloud get_floating_ip failed: status=404 code=not_found");
  }

  @Test
  void nonJsonClientErrorIsAnInvalidResponseWithItsStatus() {
    HcloudClient client = Fixtures.client(server, time).build();
    server.enqueue(new ScriptedServer.Reply(404, "<html>not here</html>").header("X-Correlation-Id", "c1"));

    HcloudException e = catchThrowableOfType(HcloudException.class, () -> client.getFloatingIp(1));

    assertThat(e.status()).isEqualTo(404);
    assertThat(e.code()).isEqualTo(HcloudException.INVALID_RESPONSE);
    assertThat(e.correlationId()).isEqualTo("c1");
    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void errorMessageEchoingTheTokenIsRedacted() {
    HcloudClient client = Fixtures.client(server, time).build();
    server.enqueue(ScriptedServer.apiError(401, "unauthorized", "token " + Fixtures.TOKEN + " is invalid"));

    HcloudException e = catchThrowableOfType(HcloudException.class, () -> client.getFloatingIp(1));

    assertThat(e.getMessage()).doesNotContain(Fixtures.TOKEN).contains("token [redacted] is invalid");
    assertThat(e.apiMessage()).doesNotContain(Fixtures.TOKEN);
  }
}
