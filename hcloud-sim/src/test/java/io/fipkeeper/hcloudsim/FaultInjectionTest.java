package io.fipkeeper.hcloudsim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Timeout(30)
class FaultInjectionTest {
  private final ManualSimClock clock = new ManualSimClock(Instant.parse("2026-01-01T00:00:00Z"));
  private HcloudSimulator sim;
  private SimClient client;
  private long cp1;
  private long cp2;
  private long fip;

  @BeforeEach
  void start() {
    sim = HcloudSimulator.builder().token("ci", "s3cr3t").clock(clock).build().start();
    client = new SimClient(sim, "s3cr3t");
    cp1 = sim.createServer("cp-1", "198.51.100.11");
    cp2 = sim.createServer("cp-2", "198.51.100.12");
    fip = sim.createFloatingIp("api", "203.0.113.10", Map.of());
    sim.assignDirectly(fip, cp1);
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  @ParameterizedTest
  @EnumSource(value = Fault.class, names = {"LOCKED_423", "RATE_LIMITED_429", "SERVER_ERROR_500",
      "UNAVAILABLE_503", "BAD_GATEWAY_502", "TIMEOUT_504", "CONFLICT_409"})
  void errorFaultAnswersWithItsStatusAndHetznerCodeOnce(Fault fault) {
    sim.inject(FaultRule.next(fault, Endpoint.ASSIGN, 1));

    SimClient.Reply faulted = assign(cp2);
    SimClient.Reply next = assign(cp2);

    assertThat(faulted.status()).isEqualTo(fault.status());
    JsonNode error = faulted.json().get("error");
    assertThat(error.get("code").asText()).isEqualTo(fault.code());
    assertThat(error.get("message").asText()).isNotBlank();
    assertThat(error.get("details").isNull()).isTrue();
    assertThat(faulted.header("RateLimit-Limit")).isEqualTo("3600");
    assertThat(next.status()).isEqualTo(201);
    assertThat(sim.history()).extracting(RecordedCall::httpStatus).containsExactly(fault.status(), 201);
    assertThat(sim.history().get(0).errorCode()).isEqualTo(fault.code());
  }

  @Test
  void injectedRateLimitReportsNoRemainingRequests() {
    sim.inject(FaultRule.next(Fault.RATE_LIMITED_429, Endpoint.ANY, 1));

    assertThat(client.get("/v1/floating_ips").header("RateLimit-Remaining")).isEqualTo("0");
  }

  @Test
  void faultOnlyHitsItsEndpointAndOnlyForItsCount() {
    sim.inject(FaultRule.next(Fault.SERVER_ERROR_500, Endpoint.GET_FLOATING_IP, 2));

    assertThat(client.get("/v1/floating_ips").status()).isEqualTo(200);
    assertThat(client.get("/v1/floating_ips/" + fip).status()).isEqualTo(500);
    assertThat(client.get("/v1/floating_ips/" + fip).status()).isEqualTo(500);
    assertThat(client.get("/v1/floating_ips/" + fip).status()).isEqualTo(200);
  }

  @Test
  void timeWindowFaultEndsAtItsInstant() {
    sim.inject(FaultRule.until(Fault.UNAVAILABLE_503, Endpoint.ANY, clock.now().plusSeconds(5)));

    assertThat(client.get("/v1/floating_ips").status()).isEqualTo(503);
    clock.advance(Duration.ofSeconds(4));
    assertThat(client.get("/v1/actions/1").status()).isEqualTo(503);
    clock.advance(Duration.ofSeconds(1));
    assertThat(client.get("/v1/floating_ips").status()).isEqualTo(200);
  }

  @Test
  void clearFaultsRemovesUnlimitedRules() {
    sim.inject(FaultRule.always(Fault.CONFLICT_409, Endpoint.ANY));
    assertThat(client.get("/v1/floating_ips").status()).isEqualTo(409);

    sim.clearFaults();

    assertThat(client.get("/v1/floating_ips").status()).isEqualTo(200);
  }

  @Test
  void plainBodyGatewayFaultsAreNotJson() {
    sim.inject(FaultRule.builder(Fault.BAD_GATEWAY_502).count(1).plainBody(true).build());
    sim.inject(FaultRule.builder(Fault.TIMEOUT_504).count(1).plainBody(true).build());

    SimClient.Reply badGateway = client.get("/v1/floating_ips");
    SimClient.Reply timeout = client.get("/v1/floating_ips");

    assertThat(badGateway.status()).isEqualTo(502);
    assertThat(badGateway.header("Content-Type")).startsWith("text/html");
    assertThat(badGateway.body()).startsWith("<html>");
    assertThat(timeout.status()).isEqualTo(504);
    assertThat(timeout.body()).contains("504");
  }

  @Test
  void droppedConnectionGetsNoResponseAndDoesNotAssign() {
    sim.inject(FaultRule.next(Fault.DROP_CONNECTION, Endpoint.ASSIGN, 1));

    assertThatThrownBy(() -> assign(cp2)).isInstanceOf(UncheckedIOException.class);

    assertThat(sim.floatingIpServer(fip)).isEqualTo(cp1);
    assertThat(sim.history()).singleElement().satisfies(c -> assertThat(c.httpStatus()).isZero());
    assertThat(assign(cp2).status()).isEqualTo(201);
  }

  @Test
  void slowResponseExecutesTheRequestButAnswersLate() {
    sim.inject(FaultRule.builder(Fault.SLOW_RESPONSE).endpoint(Endpoint.ASSIGN).count(1)
        .latency(Duration.ofMillis(300)).build());

    long t0 = System.nanoTime();
    SimClient.Reply reply = assign(cp2);
    long elapsedMillis = (System.nanoTime() - t0) / 1_000_000;

    assertThat(reply.status()).isEqualTo(201);
    assertThat(elapsedMillis).isGreaterThanOrEqualTo(300);
    assertThat(sim.floatingIpServer(fip)).isEqualTo(cp2);
  }

  @Test
  void actionErrorEndsTheRunningActionInErrorAndKeepsTheOldServer() {
    sim.inject(FaultRule.builder(Fault.ACTION_ERROR).endpoint(Endpoint.ASSIGN).count(1)
        .actionDuration(Duration.ofSeconds(2)).build());

    JsonNode started = assign(cp2).json().get("action");
    assertThat(started.get("status").asText()).isEqualTo("running");
    assertThat(started.get("error").isNull()).isTrue();

    clock.advance(Duration.ofSeconds(2));
    JsonNode done = client.get("/v1/actions/" + started.get("id").asLong()).json().get("action");

    assertThat(done.get("status").asText()).isEqualTo("error");
    assertThat(done.at("/error/code").asText()).isEqualTo("action_failed");
    assertThat(done.at("/error/message").asText()).isNotBlank();
    assertThat(done.get("finished").isNull()).isFalse();
    assertThat(sim.floatingIpServer(fip)).isEqualTo(cp1);
  }

  @Test
  void actionFaultsAreNotUsedUpByReads() {
    sim.inject(FaultRule.next(Fault.ACTION_ERROR, Endpoint.ANY, 1));

    client.get("/v1/floating_ips/" + fip);
    JsonNode action = assign(cp2).json().get("action");

    assertThat(action.get("status").asText()).isEqualTo("error");
    assertThat(assign(cp2).json().at("/action/status").asText()).isEqualTo("success");
  }

  @Test
  void slowActionKeepsTheActionRunningForItsDuration() {
    sim.inject(FaultRule.builder(Fault.SLOW_ACTION).endpoint(Endpoint.UNASSIGN).count(1)
        .actionDuration(Duration.ofSeconds(30)).build());

    JsonNode started = client.post("/v1/floating_ips/" + fip + "/actions/unassign", "{}").json().get("action");
    clock.advance(Duration.ofSeconds(29));
    assertThat(client.get("/v1/actions/" + started.get("id").asLong()).json().at("/action/status").asText())
        .isEqualTo("running");
    assertThat(assign(cp2).status()).isEqualTo(423);
    assertThat(sim.floatingIpServer(fip)).isEqualTo(cp1);
    clock.advance(Duration.ofSeconds(1));

    assertThat(client.get("/v1/actions/" + started.get("id").asLong()).json().at("/action/status").asText())
        .isEqualTo("success");
    assertThat(sim.floatingIpServer(fip)).isNull();
  }

  @Test
  void metadataFaultBreaksOnlyTheMetadataService() {
    sim.inject(FaultRule.next(Fault.UNAVAILABLE_503, Endpoint.METADATA, 1));

    assertThat(client.send("GET", sim.metadataUrl(cp1).getPath() + "/hostname", null, null).status())
        .isEqualTo(503);
    assertThat(client.send("GET", sim.metadataUrl(cp1).getPath() + "/hostname", null, null).body())
        .isEqualTo("cp-1");
  }

  @Test
  void faultRuleBuilderRejectsMissingParametersNamingThem() {
    assertThatThrownBy(() -> FaultRule.builder(Fault.SLOW_RESPONSE).build()).hasMessageContaining("latency");
    assertThatThrownBy(() -> FaultRule.builder(Fault.SLOW_ACTION).build()).hasMessageContaining("actionDuration");
    assertThatThrownBy(() -> FaultRule.next(Fault.LOCKED_423, Endpoint.ANY, 0)).hasMessageContaining("count");
    assertThatThrownBy(() -> FaultRule.builder(Fault.LOCKED_423).plainBody(true).build())
        .hasMessageContaining("plainBody");
  }

  private SimClient.Reply assign(long server) {
    return client.post("/v1/floating_ips/" + fip + "/actions/assign", "{\"server\":" + server + "}");
  }
}
