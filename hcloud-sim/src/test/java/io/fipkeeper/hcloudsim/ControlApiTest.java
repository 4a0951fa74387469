package io.fipkeeper.hcloudsim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ControlApiTest {
  private final ManualSimClock clock = new ManualSimClock(Instant.parse("2026-01-01T00:00:00Z"));
  private HcloudSimulator sim;
  private SimClient api;
  private SimClient control;

  @BeforeEach
  void start() {
    sim = HcloudSimulator.builder().token("ci", "s3cr3t").clock(clock).build().start();
    api = new SimClient(sim, "s3cr3t");
    control = new SimClient(sim, null);
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  @Test
  void createsServersAndFloatingIpsWithoutAuth() {
    long server = control.post("/_sim/servers", "{\"name\":\"cp-1\",\"public_ipv4\":\"198.51.100.11\"}").json()
        .get("id").asLong();
    SimClient.Reply created = control.post("/_sim/floating_ips",
        "{\"name\":\"k8s-api\",\"ip\":\"203.0.113.10\",\"labels\":{\"role\":\"api\"},\"server\":" + server + "}");

    assertThat(created.status()).isEqualTo(201);
    long fip = created.json().get("id").asLong();
    JsonNode state = control.get("/_sim/floating_ips/" + fip).json();
    assertThat(state.get("id").asLong()).isEqualTo(fip);
    assertThat(state.get("server").asLong()).isEqualTo(server);
    assertThat(api.get("/v1/floating_ips?label_selector=role%3Dapi").json().at("/floating_ips/0/id").asLong())
        .isEqualTo(fip);
    assertThat(control.get("/_sim/health").status()).isEqualTo(200);
  }

  @Test
  void injectsAndClearsFaults() {
    long fip = sim.createFloatingIp("api", "203.0.113.10", java.util.Map.of());

    SimClient.Reply injected = control.post("/_sim/faults",
        "{\"fault\":\"RATE_LIMITED_429\",\"endpoint\":\"GET_FLOATING_IP\",\"count\":3}");
    control.post("/_sim/faults", "{\"fault\":\"SERVER_ERROR_500\",\"endpoint\":\"LIST_FLOATING_IPS\",\"durationMs\":5000}");

    assertThat(injected.status()).isEqualTo(201);
    assertThat(api.get("/v1/floating_ips/" + fip).status()).isEqualTo(429);
    assertThat(api.get("/v1/floating_ips").status()).isEqualTo(500);
    clock.advance(Duration.ofSeconds(5));
    assertThat(api.get("/v1/floating_ips").status()).isEqualTo(200);
    assertThat(control.send("DELETE", "/_sim/faults", null, null).status()).isEqualTo(200);
    assertThat(api.get("/v1/floating_ips/" + fip).status()).isEqualTo(200);
  }

  @Test
  void rejectsUnknownFaultWithAOneLineMessage() {
    SimClient.Reply reply = control.post("/_sim/faults", "{\"fault\":\"EXPLODE\"}");

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.json().at("/error/message").asText()).isEqualTo("unknown fault 'EXPLODE'");
    assertThat(control.post("/_sim/servers", "{\"name\":\"x\"}").json().at("/error/message").asText())
        .isEqualTo("missing field 'public_ipv4'");
    assertThat(control.post("/_sim/servers", "{oops").status()).isEqualTo(400);
  }

  @Test
  void configChangesActionDurationOfLaterActions() {
    long server = sim.createServer("cp-1", "198.51.100.11");
    long fip = sim.createFloatingIp("api", "203.0.113.10", java.util.Map.of());

    control.post("/_sim/config", "{\"actionDurationMs\":1000}");
    JsonNode action = api.post("/v1/floating_ips/" + fip + "/actions/assign", "{\"server\":" + server + "}").json();

    assertThat(action.at("/action/status").asText()).isEqualTo("running");
    clock.advance(Duration.ofSeconds(1));
    assertThat(control.get("/_sim/floating_ips/" + fip).json().get("server").asLong()).isEqualTo(server);
  }

  @Test
  void historyAndStatsDescribeTheTraffic() {
    long server = sim.createServer("cp-1", "198.51.100.11");
    long fip = sim.createFloatingIp("api", "203.0.113.10", java.util.Map.of());
    api.post("/v1/floating_ips/" + fip + "/actions/assign", "{\"server\":" + server + "}");
    api.get("/v1/floating_ips/" + fip);
    api.get("/v1/floating_ips/" + fip);

    JsonNode history = control.get("/_sim/history").json();
    JsonNode stats = control.get("/_sim/stats").json();

    assertThat(history.size()).isEqualTo(1);
    JsonNode call = history.get(0);
    assertThat(call.get("time").asText()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(call.get("atMillis").asLong()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());
    assertThat(call.get("tokenLabel").asText()).isEqualTo("ci");
    assertThat(call.get("floatingIpId").asLong()).isEqualTo(fip);
    assertThat(call.get("serverId").asLong()).isEqualTo(server);
    assertThat(call.get("httpStatus").asInt()).isEqualTo(201);
    assertThat(call.get("errorCode").isNull()).isTrue();
    assertThat(history.toString()).doesNotContain("s3cr3t");
    assertThat(stats.get("requests").asInt()).isEqualTo(3);
    assertThat(stats.at("/byEndpoint/ASSIGN").asInt()).isEqualTo(1);
    assertThat(stats.at("/byEndpoint/GET_FLOATING_IP").asInt()).isEqualTo(2);
  }
}
