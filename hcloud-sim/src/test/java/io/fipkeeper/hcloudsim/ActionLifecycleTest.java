package io.fipkeeper.hcloudsim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ActionLifecycleTest {
  private final ManualSimClock clock = new ManualSimClock(Instant.parse("2016-01-30T23:55:00Z"));
  private HcloudSimulator sim;
  private SimClient client;
  private long cp1;
  private long cp2;
  private long fip;

  @BeforeEach
  void start() {
    sim = HcloudSimulator.builder().token("ci", "s3cr3t").clock(clock).actionDuration(Duration.ofSeconds(10))
        .build().start();
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

  @Test
  void assignReturns201WithARunningActionInTheReferenceShape() {
    SimClient.Reply reply = assign(cp2);

    assertThat(reply.status()).isEqualTo(201);
    JsonNode a = reply.json().get("action");
    assertThat(FloatingIpApiTest.iterable(a.fieldNames())).containsExactlyInAnyOrder("id", "command", "status",
        "progress", "started", "finished", "resources", "error");
    assertThat(a.get("command").asText()).isEqualTo("assign_floating_ip");
    assertThat(a.get("status").asText()).isEqualTo("running");
    assertThat(a.get("progress").asInt()).isZero();
    assertThat(a.get("started").asText()).isEqualTo("2016-01-30T23:55:00+00:00");
    assertThat(a.get("finished").isNull()).isTrue();
    assertThat(a.get("error").isNull()).isTrue();
    assertThat(a.at("/resources/0/type").asText()).isEqualTo("server");
    assertThat(a.at("/resources/0/id").asLong()).isEqualTo(cp2);
    assertThat(a.at("/resources/1/type").asText()).isEqualTo("floating_ip");
    assertThat(a.at("/resources/1/id").asLong()).isEqualTo(fip);
  }

  @Test
  void assignmentBecomesVisibleOnlyWhenTheActionSucceeds() {
    long action = assign(cp2).json().at("/action/id").asLong();

    clock.advance(Duration.ofSeconds(4));
    JsonNode midway = client.get("/v1/actions/" + action).json().get("action");
    assertThat(midway.get("status").asText()).isEqualTo("running");
    assertThat(midway.get("progress").asInt()).isEqualTo(40);
    assertThat(sim.floatingIpServer(fip)).isEqualTo(cp1);

    clock.advance(Duration.ofSeconds(6));
    JsonNode done = client.get("/v1/actions/" + action).json().get("action");
    assertThat(done.get("status").asText()).isEqualTo("success");
    assertThat(done.get("progress").asInt()).isEqualTo(100);
    assertThat(done.get("finished").asText()).isEqualTo("2016-01-30T23:55:10+00:00");
    assertThat(done.get("error").isNull()).isTrue();
    assertThat(client.get("/v1/floating_ips/" + fip).json().at("/floating_ip/server").asLong()).isEqualTo(cp2);
  }

  @Test
  void zeroActionDurationAnswersWithAnAlreadySuccessfulAction() {
    sim.setActionDuration(Duration.ZERO);

    JsonNode a = assign(cp2).json().get("action");

    assertThat(a.get("status").asText()).isEqualTo("success");
    assertThat(a.get("progress").asInt()).isEqualTo(100);
    assertThat(a.get("finished").asText()).isEqualTo(a.get("started").asText());
    assertThat(sim.floatingIpServer(fip)).isEqualTo(cp2);
  }

  @Test
  void assignWhileAnActionRunsIsLocked423UntilItFinishes() {
    assign(cp2);

    SimClient.Reply locked = assign(cp1);
    SimClient.Reply lockedUnassign = client.post("/v1/floating_ips/" + fip + "/actions/unassign", "{}");
    clock.advance(Duration.ofSeconds(10));
    SimClient.Reply after = assign(cp1);

    assertThat(locked.status()).isEqualTo(423);
    assertThat(locked.json().at("/error/code").asText()).isEqualTo("locked");
    assertThat(locked.json().at("/error/details").isNull()).isTrue();
    assertThat(lockedUnassign.status()).isEqualTo(423);
    assertThat(after.status()).isEqualTo(201);
  }

  @Test
  void assigningToTheServerItAlreadyHoldsSucceedsAsAnAssumption() {
    sim.setActionDuration(Duration.ZERO);

    SimClient.Reply reply = assign(cp1);

    // assumption (see reference section 5): the real API's answer is undocumented; we model a successful no-op
    assertThat(reply.status()).isEqualTo(201);
    assertThat(reply.json().at("/action/status").asText()).isEqualTo("success");
    assertThat(sim.floatingIpServer(fip)).isEqualTo(cp1);
  }

  @Test
  void unassignClearsTheServerWhenItsActionSucceeds() {
    JsonNode a = client.post("/v1/floating_ips/" + fip + "/actions/unassign", "{}").json().get("action");

    assertThat(a.get("command").asText()).isEqualTo("unassign_floating_ip");
    assertThat(a.at("/resources/0/id").asLong()).isEqualTo(cp1);
    assertThat(sim.floatingIpServer(fip)).isEqualTo(cp1);
    clock.advance(Duration.ofSeconds(10));
    assertThat(sim.floatingIpServer(fip)).isNull();
  }

  @Test
  void assignValidatesBodyAndTargets() {
    SimClient.Reply missing = client.post("/v1/floating_ips/" + fip + "/actions/assign", "{}");
    SimClient.Reply nullServer = client.post("/v1/floating_ips/" + fip + "/actions/assign", "{\"server\":null}");
    SimClient.Reply unknownServer = assign(999);
    SimClient.Reply malformed = client.post("/v1/floating_ips/" + fip + "/actions/assign", "{\"server\":");
    SimClient.Reply unknownFip = client.post("/v1/floating_ips/999/actions/assign", "{\"server\":" + cp2 + "}");

    assertThat(missing.status()).isEqualTo(422);
    assertThat(missing.json().at("/error/code").asText()).isEqualTo("invalid_input");
    assertThat(missing.json().at("/error/details/fields/0/name").asText()).isEqualTo("server");
    assertThat(missing.json().at("/error/details/fields/0/messages/0").asText()).isEqualTo("is missing");
    assertThat(nullServer.status()).isEqualTo(422);
    assertThat(unknownServer.status()).isEqualTo(422);
    assertThat(unknownServer.json().at("/error/details/fields/0/name").asText()).isEqualTo("server");
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.json().at("/error/code").asText()).isEqualTo("json_error");
    assertThat(unknownFip.status()).isEqualTo(404);
    assertThat(sim.floatingIpServer(fip)).isEqualTo(cp1);
  }

  @Test
  void actionsByIdEndpointServesWaitForPollsAndRequiresIds() {
    long first = assign(cp2).json().at("/action/id").asLong();
    clock.advance(Duration.ofSeconds(10));
    long second = assign(cp1).json().at("/action/id").asLong();

    SimClient.Reply polled = client.get("/v1/actions?id=" + first + "&id=" + second + "&sort=status&sort=id");
    SimClient.Reply bare = client.get("/v1/actions");

    assertThat(polled.status()).isEqualTo(200);
    JsonNode actions = polled.json().get("actions");
    assertThat(FloatingIpApiTest.ids(actions)).containsExactly(second, first);
    assertThat(actions.get(0).get("status").asText()).isEqualTo("running");
    assertThat(polled.json().at("/meta/pagination/total_entries").asInt()).isEqualTo(2);
    assertThat(bare.status()).isEqualTo(410);
    assertThat(bare.json().at("/error/code").asText()).isEqualTo("deprecated_api_endpoint");
    assertThat(bare.json().at("/error/details/announcement").asText()).startsWith("https://");
  }

  @Test
  void floatingIpActionEndpointsListAndFilterActions() {
    long first = assign(cp2).json().at("/action/id").asLong();
    clock.advance(Duration.ofSeconds(10));
    long second = assign(cp1).json().at("/action/id").asLong();

    assertThat(FloatingIpApiTest.ids(client.get("/v1/floating_ips/" + fip + "/actions").json().get("actions")))
        .containsExactly(first, second);
    assertThat(FloatingIpApiTest.ids(client.get("/v1/floating_ips/" + fip + "/actions?status=running").json()
        .get("actions"))).containsExactly(second);
    assertThat(client.get("/v1/floating_ips/" + fip + "/actions/" + first).json().at("/action/status").asText())
        .isEqualTo("success");
    assertThat(FloatingIpApiTest.ids(client.get("/v1/floating_ips/actions?id=" + second).json().get("actions")))
        .containsExactly(second);
    assertThat(FloatingIpApiTest.ids(client.get("/v1/floating_ips/actions?sort=id:desc").json().get("actions")))
        .containsExactly(second, first);
    assertThat(client.get("/v1/floating_ips/" + fip + "/actions/999").status()).isEqualTo(404);
    assertThat(client.get("/v1/actions/999").status()).isEqualTo(404);
    assertThat(client.get("/v1/floating_ips/" + fip + "/actions?status=done").status()).isEqualTo(422);
  }

  private SimClient.Reply assign(long server) {
    return client.post("/v1/floating_ips/" + fip + "/actions/assign", "{\"server\":" + server + "}");
  }
}
