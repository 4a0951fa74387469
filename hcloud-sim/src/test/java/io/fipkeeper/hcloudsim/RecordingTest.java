package io.fipkeeper.hcloudsim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class RecordingTest {
  private final ManualSimClock clock = new ManualSimClock(Instant.parse("2026-01-01T00:00:00Z"));
  private HcloudSimulator sim;
  private long server;
  private long fip;

  @BeforeEach
  void start() {
    sim = HcloudSimulator.builder().token("agent-1", "very-secret-value").token("agent-2", "other-secret")
        .clock(clock).build().start();
    server = sim.createServer("cp-1", "198.51.100.11");
    fip = sim.createFloatingIp("api", "203.0.113.10", Map.of());
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  @Test
  void historyRecordsTokenLabelsAndOutcomesButNeverTokenValues() {
    new SimClient(sim, "very-secret-value").post("/v1/floating_ips/" + fip + "/actions/assign",
        "{\"server\":" + server + "}");
    clock.advance(Duration.ofSeconds(1));
    new SimClient(sim, "other-secret").post("/v1/floating_ips/" + fip + "/actions/assign", "{\"server\":999}");
    new SimClient(sim, "wrong").post("/v1/floating_ips/" + fip + "/actions/unassign", "{}");
    new SimClient(sim, "very-secret-value").get("/v1/floating_ips/" + fip);

    assertThat(sim.history()).hasSize(3);
    RecordedCall ok = sim.history().get(0);
    assertThat(ok.tokenLabel()).isEqualTo("agent-1");
    assertThat(ok.method()).isEqualTo("POST");
    assertThat(ok.path()).isEqualTo("/v1/floating_ips/" + fip + "/actions/assign");
    assertThat(ok.floatingIpId()).isEqualTo(fip);
    assertThat(ok.serverId()).isEqualTo(server);
    assertThat(ok.httpStatus()).isEqualTo(201);
    assertThat(ok.errorCode()).isNull();
    assertThat(ok.actionId()).isNotNull();
    assertThat(ok.time()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
    RecordedCall invalid = sim.history().get(1);
    assertThat(invalid.tokenLabel()).isEqualTo("agent-2");
    assertThat(invalid.serverId()).isEqualTo(999);
    assertThat(invalid.httpStatus()).isEqualTo(422);
    assertThat(invalid.errorCode()).isEqualTo("invalid_input");
    assertThat(invalid.time()).isEqualTo(Instant.parse("2026-01-01T00:00:01Z"));
    RecordedCall unauthorized = sim.history().get(2);
    assertThat(unauthorized.tokenLabel()).isNull();
    assertThat(unauthorized.httpStatus()).isEqualTo(401);
    assertThat(sim.history().toString() + sim.requests()).doesNotContain("very-secret-value", "other-secret");
  }

  @Test
  void requestsKeepOnlyTheShapeOfTheAuthorizationHeader() throws InterruptedException {
    new SimClient(sim, "very-secret-value").post("/v1/floating_ips/" + fip + "/actions/assign",
        "{\"server\":" + server + "}");
    new SimClient(sim, "very-secret-value").get("/v1/floating_ips?name=api");

    RecordedRequest assign = sim.takeRequest(Duration.ofSeconds(5));
    RecordedRequest list = sim.takeRequest(Duration.ofSeconds(5));

    assertThat(assign.method()).isEqualTo("POST");
    assertThat(assign.header("Authorization")).isEqualTo("Bearer <redacted>");
    assertThat(assign.body()).isEqualTo("{\"server\":" + server + "}");
    assertThat(assign.status()).isEqualTo(201);
    assertThat(assign.endpoint()).isEqualTo(Endpoint.ASSIGN);
    assertThat(assign.tokenLabel()).isEqualTo("agent-1");
    assertThat(list.path()).isEqualTo("/v1/floating_ips?name=api");
    assertThat(list.endpoint()).isEqualTo(Endpoint.LIST_FLOATING_IPS);
    assertThat(sim.requestCount()).isEqualTo(2);
    assertThat(sim.takeRequest(Duration.ofMillis(10))).isNull();
  }

  @Test
  void directAssignmentIsNotRecorded() {
    sim.assignDirectly(fip, server);

    assertThat(sim.floatingIpServer(fip)).isEqualTo(server);
    assertThat(sim.history()).isEmpty();
    assertThat(sim.requestCount()).isZero();
  }
}
