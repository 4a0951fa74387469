package io.fipkeeper.hcloudsim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A request held in transit lands after a newer one, as a frozen sender's would; the log says when it was sent. */
@Timeout(30)
class HeldRequestTest {
  private HcloudSimulator sim;
  private SimClient api;
  private SimClient control;
  private long fip;
  private long stale;
  private long fresh;

  @BeforeEach
  void start() {
    sim = HcloudSimulator.builder().token("ci", "s3cr3t").build().start();
    api = new SimClient(sim, "s3cr3t");
    control = new SimClient(sim, null);
    stale = sim.createServer("cp-1", "198.51.100.11");
    fresh = sim.createServer("cp-2", "198.51.100.12");
    fip = sim.createFloatingIp("api", "203.0.113.10", Map.of());
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  @Test
  void aHeldAssignIsExecutedOnlyAfterItsHoldSoItLandsAfterALaterOne() throws Exception {
    assertThat(control.post("/_sim/holds",
        "{\"endpoint\":\"ASSIGN\",\"server\":" + stale + ",\"count\":1,\"holdMs\":700}").status()).isEqualTo(201);

    CompletableFuture<HttpResponse<String>> held = api.http().sendAsync(assign(stale), HttpResponse.BodyHandlers.ofString());
    Awaitility.await("the assign is held").atMost(Duration.ofSeconds(5))
        .until(() -> control.get("/_sim/holds").json().get("holding").asInt() == 1);
    assertThat(held).isNotDone();
    assertThat(api.post("/v1/floating_ips/" + fip + "/actions/assign", "{\"server\":" + fresh + "}").status())
        .isEqualTo(201);
    assertThat(sim.floatingIpServer(fip)).isEqualTo(fresh);

    assertThat(held.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(201);

    assertThat(sim.floatingIpServer(fip)).isEqualTo(stale);
    assertThat(sim.history()).extracting(RecordedCall::serverId).containsExactly(fresh, stale);
    JsonNode log = control.get("/_sim/holds").json();
    assertThat(log.get("holding").asInt()).isZero();
    JsonNode h = log.get("held").get(0);
    assertThat(h.get("server").asLong()).isEqualTo(stale);
    assertThat(h.get("status").asInt()).isEqualTo(201);
    assertThat(h.get("actionId").asLong()).isEqualTo(sim.history().get(1).actionId());
    assertThat(h.get("releasedAtMillis").asLong() - h.get("arrivedAtMillis").asLong()).isEqualTo(700);
    assertThat(h.get("arrivedAtMillis").asLong()).isLessThan(sim.history().get(0).time().toEpochMilli());
  }

  @Test
  void onlyTheTargetedServerAndCountAreHeld() {
    sim.hold(Endpoint.ASSIGN, stale, 1, Duration.ofSeconds(60));

    assertThat(api.post("/v1/floating_ips/" + fip + "/actions/assign", "{\"server\":" + fresh + "}").status())
        .isEqualTo(201);
    assertThat(api.get("/v1/floating_ips/" + fip).status()).isEqualTo(200);
    assertThat(control.get("/_sim/holds").json().get("held")).isEmpty();

    control.send("DELETE", "/_sim/holds", null, null);
    assertThat(api.post("/v1/floating_ips/" + fip + "/actions/assign", "{\"server\":" + stale + "}").status())
        .isEqualTo(201);
  }

  private HttpRequest assign(long server) {
    return HttpRequest.newBuilder(sim.apiUrl().resolve("/v1/floating_ips/" + fip + "/actions/assign"))
        .header("Authorization", "Bearer s3cr3t").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"server\":" + server + "}")).build();
  }
}
