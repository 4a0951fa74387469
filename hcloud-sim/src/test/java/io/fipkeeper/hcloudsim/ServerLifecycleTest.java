package io.fipkeeper.hcloudsim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code GET/POST /servers}, {@code DELETE /servers/{id}} and what a deletion does to floating IPs and metadata. */
@Timeout(30)
class ServerLifecycleTest {
  private static final String TALOS = "{\"name\":\"prod-control-plane-1\",\"server_type\":\"cx22\",\"image\":"
      + ServerCatalog.TALOS_SNAPSHOT_ID + ",\"labels\":{\"ksail.io/cluster\":\"prod\",\"role\":\"control-plane\"}}";

  private final ManualSimClock clock = new ManualSimClock(Instant.parse("2026-06-17T08:00:00Z"));
  private HcloudSimulator sim;
  private SimClient client;

  @BeforeEach
  void start() {
    sim = HcloudSimulator.builder().token("agents", "agent-token").token("operator", "op-token").clock(clock)
        .actionDuration(Duration.ofSeconds(2)).serverAddressPool("198.51.100.14-198.51.100.16").build().start();
    client = new SimClient(sim, "op-token");
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  @Test
  void createReturnsTheServerAndACreateServerActionAndItsMetadataAppears() {
    SimClient.Reply reply = client.post("/v1/servers", TALOS);

    assertThat(reply.status()).isEqualTo(201);
    JsonNode server = reply.json().get("server");
    JsonNode action = reply.json().get("action");
    long id = server.get("id").asLong();
    assertThat(server.get("name").asText()).isEqualTo("prod-control-plane-1");
    assertThat(server.get("status").asText()).isEqualTo("initializing");
    assertThat(server.at("/public_net/ipv4/ip").asText()).isEqualTo("198.51.100.14");
    assertThat(server.at("/server_type/name").asText()).isEqualTo("cx22");
    assertThat(server.at("/image/type").asText()).isEqualTo("snapshot");
    assertThat(server.at("/image/name").isNull()).as("snapshots have no name at Hetzner").isTrue();
    assertThat(server.at("/location/name").asText()).isEqualTo("fsn1");
    assertThat(server.at("/datacenter/location/name").asText()).isEqualTo("fsn1");
    assertThat(server.get("labels")).isEqualTo(SimClient.JSON.valueToTree(
        Map.of("ksail.io/cluster", "prod", "role", "control-plane")));
    assertThat(action.get("command").asText()).isEqualTo("create_server");
    assertThat(action.get("status").asText()).isEqualTo("running");
    assertThat(action.get("resources")).hasSize(1);
    assertThat(action.at("/resources/0/type").asText()).isEqualTo("server");
    assertThat(action.at("/resources/0/id").asLong()).isEqualTo(id);
    assertThat(reply.json().get("next_actions").isArray()).isTrue();
    assertThat(reply.json().has("root_password")).isTrue();
    assertThat(metadata(id, "/instance-id")).isEqualTo(Long.toString(id));
    assertThat(metadata(id, "/public-ipv4")).isEqualTo("198.51.100.14");
    assertThat(metadata(id, "/hostname")).isEqualTo("prod-control-plane-1");

    clock.advance(Duration.ofSeconds(2));

    assertThat(client.get("/v1/servers/" + id).json().at("/server/status").asText()).isEqualTo("running");
    assertThat(client.get("/v1/actions/" + action.get("id").asLong()).json().at("/action/status").asText())
        .isEqualTo("success");
  }

  @Test
  void listFiltersByNameAndLabelSelectorAndPaginates() {
    sim.createServer("cp-1", "198.51.100.11");
    client.post("/v1/servers", TALOS);
    client.post("/v1/servers", TALOS.replace("control-plane-1", "control-plane-2").replace("control-plane\"}",
        "worker\"}"));

    JsonNode all = client.get("/v1/servers?per_page=2").json();
    JsonNode second = client.get("/v1/servers?per_page=2&page=2").json();
    JsonNode byName = client.get("/v1/servers?name=cp-1").json();
    JsonNode byLabel = client.get("/v1/servers?label_selector=ksail.io/cluster%3Dprod,role%3Dcontrol-plane").json();
    JsonNode sorted = client.get("/v1/servers?sort=name:desc").json();

    assertThat(FloatingIpApiTest.ids(all.get("servers"))).containsExactly(1L, 2L);
    assertThat(all.at("/meta/pagination/total_entries").asInt()).isEqualTo(3);
    assertThat(all.at("/meta/pagination/next_page").asInt()).isEqualTo(2);
    assertThat(FloatingIpApiTest.ids(second.get("servers"))).containsExactly(3L);
    assertThat(second.at("/meta/pagination/next_page").isNull()).isTrue();
    assertThat(FloatingIpApiTest.ids(byName.get("servers"))).containsExactly(1L);
    assertThat(FloatingIpApiTest.ids(byLabel.get("servers"))).containsExactly(2L);
    assertThat(sorted.get("servers").get(0).get("name").asText()).isEqualTo("prod-control-plane-2");
    assertThat(client.get("/v1/servers?label_selector=a%20b%20c").status()).isEqualTo(422);
    assertThat(client.get("/v1/servers?status=exploded").status()).isEqualTo(422);
  }

  @Test
  void createRejectsBadInputWithTheApiErrorCodes() {
    assertThat(error(client.post("/v1/servers", "{oops"))).isEqualTo("400 json_error");
    assertThat(error(client.post("/v1/servers", "{\"server_type\":\"cx22\",\"image\":\"debian-12\"}")))
        .isEqualTo("422 invalid_input name");
    assertThat(error(client.post("/v1/servers", "{\"name\":\"bad_name\",\"server_type\":\"cx22\",\"image\":\"debian-12\"}")))
        .isEqualTo("422 invalid_input name");
    assertThat(error(client.post("/v1/servers", "{\"name\":\"a\",\"server_type\":\"cx9000\",\"image\":\"debian-12\"}")))
        .isEqualTo("422 invalid_input server_type");
    assertThat(error(client.post("/v1/servers", "{\"name\":\"a\",\"server_type\":\"cx22\",\"image\":\"windows\"}")))
        .isEqualTo("422 invalid_input image");
    assertThat(error(client.post("/v1/servers", "{\"name\":\"a\",\"server_type\":\"cx22\",\"image\":\"debian-12\","
        + "\"labels\":{\"hetzner.cloud/x\":\"y\"}}"))).isEqualTo("422 invalid_input labels");
    assertThat(error(client.post("/v1/servers", "{\"name\":\"a\",\"server_type\":\"cx22\",\"image\":\"debian-12\","
        + "\"location\":\"mars1\"}"))).isEqualTo("422 invalid_input location");
    assertThat(client.post("/v1/servers", TALOS).status()).isEqualTo(201);
    assertThat(error(client.post("/v1/servers", TALOS))).isEqualTo("409 uniqueness_error name");
    assertThat(sim.requests()).allMatch(r -> r.status() != 500);
  }

  @Test
  void addressesComeRoundRobinFromThePoolAndAFullPoolIsResourceUnavailable() {
    List<String> ips = new java.util.ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      ips.add(client.post("/v1/servers", server("n" + i)).json().at("/server/public_net/ipv4/ip").asText());
    }
    SimClient.Reply full = client.post("/v1/servers", server("n4"));
    clock.advance(Duration.ofSeconds(2));
    long first = client.get("/v1/servers?name=n1").json().at("/servers/0/id").asLong();
    client.send("DELETE", "/v1/servers/" + first, null, "op-token");
    String reused = client.post("/v1/servers", server("n5")).json().at("/server/public_net/ipv4/ip").asText();

    assertThat(ips).containsExactly("198.51.100.14", "198.51.100.15", "198.51.100.16");
    assertThat(full.status()).isEqualTo(412);
    assertThat(full.json().at("/error/code").asText()).isEqualTo("resource_unavailable");
    assertThat(reused).isEqualTo("198.51.100.14");
  }

  @Test
  void deleteUnassignsItsFloatingIpAtOnceAndTheHistorySaysWhoDeletedWhat() {
    long cp1 = sim.createServer("cp-1", "198.51.100.11");
    long fip = sim.createFloatingIp("k8s-api", "203.0.113.10", Map.of());
    sim.assignDirectly(fip, cp1);

    SimClient.Reply reply = client.send("DELETE", "/v1/servers/" + cp1, null, "op-token");

    assertThat(reply.status()).isEqualTo(200);
    JsonNode action = reply.json().get("action");
    assertThat(action.get("command").asText()).isEqualTo("delete_server");
    assertThat(action.at("/resources/0").toString()).isEqualTo("{\"id\":" + cp1 + ",\"type\":\"server\"}");
    assertThat(action.get("error").isNull()).isTrue();
    assertThat(sim.floatingIpServer(fip)).as("unassigned by the deletion, not by an action").isNull();
    assertThat(client.get("/v1/floating_ips/" + fip).json().at("/floating_ip/server").isNull()).isTrue();
    assertThat(client.get("/v1/servers/" + cp1).status()).isEqualTo(404);
    assertThat(client.get("/v1/servers").json().get("servers")).isEmpty();
    assertThat(metadataStatus(cp1)).isEqualTo(404);
    assertThat(client.get("/v1/floating_ips/" + fip + "/actions").json().get("actions"))
        .as("no unassign action exists").isEmpty();
    assertThat(sim.history()).singleElement().satisfies(c -> {
      assertThat(c.method()).isEqualTo("DELETE");
      assertThat(c.path()).isEqualTo("/v1/servers/" + cp1);
      assertThat(c.tokenLabel()).isEqualTo("operator");
      assertThat(c.serverId()).isEqualTo(cp1);
      assertThat(c.floatingIpId()).isEqualTo(fip);
      assertThat(c.httpStatus()).isEqualTo(200);
      assertThat(c.actionId()).isEqualTo(action.get("id").asLong());
    });
  }

  @Test
  void anAssignStillRunningTowardsADeletedServerEndsInErrorAndChangesNothing() {
    long cp1 = sim.createServer("cp-1", "198.51.100.11");
    long cp2 = sim.createServer("cp-2", "198.51.100.12");
    long fip = sim.createFloatingIp("k8s-api", "203.0.113.10", Map.of());
    sim.assignDirectly(fip, cp1);
    long assign = new SimClient(sim, "agent-token")
        .post("/v1/floating_ips/" + fip + "/actions/assign", "{\"server\":" + cp2 + "}").json().at("/action/id").asLong();

    client.send("DELETE", "/v1/servers/" + cp2, null, "op-token");
    clock.advance(Duration.ofSeconds(3));

    assertThat(client.get("/v1/actions/" + assign).json().at("/action/status").asText()).isEqualTo("error");
    assertThat(sim.floatingIpServer(fip)).isEqualTo(cp1);
    assertThat(sim.history()).extracting(RecordedCall::tokenLabel).containsExactly("agents", "operator");
    assertThat(sim.history().get(1).floatingIpId()).as("cp-2 held no floating IP").isZero();
  }

  @Test
  void deleteOfAnUnknownOrStillInitializingServerFailsAndIsRecorded() {
    long created = client.post("/v1/servers", TALOS).json().at("/server/id").asLong();

    SimClient.Reply unknown = client.send("DELETE", "/v1/servers/999", null, "op-token");
    SimClient.Reply locked = client.send("DELETE", "/v1/servers/" + created, null, "op-token");
    SimClient.Reply put = client.send("PUT", "/v1/servers/" + created, "{}", "op-token");
    SimClient.Reply unauthenticated = client.send("DELETE", "/v1/servers/" + created, null, "wrong");

    assertThat(error(unknown)).isEqualTo("404 not_found");
    assertThat(error(locked)).isEqualTo("423 locked");
    assertThat(error(put)).isEqualTo("405 method_not_allowed");
    assertThat(error(unauthenticated)).isEqualTo("401 unauthorized");
    assertThat(sim.history()).extracting(RecordedCall::httpStatus).containsExactly(404, 423, 401);
    assertThat(unknown.header("RateLimit-Remaining")).isNotNull();
  }

  @Test
  void serverEndpointsCanBeFaultedLikeTheOthers() {
    sim.inject(FaultRule.builder(Fault.UNAVAILABLE_503).endpoint(Endpoint.LIST_SERVERS).count(1).build());

    assertThat(client.get("/v1/servers").status()).isEqualTo(503);
    assertThat(client.get("/v1/servers").status()).isEqualTo(200);
    assertThat(client.post("/v1/servers", TALOS).status()).isEqualTo(201);
  }

  private String metadata(long id, String leaf) {
    return send(sim.metadataUrl(id) + leaf).body();
  }

  private int metadataStatus(long id) {
    return send(sim.metadataUrl(id) + "/instance-id").statusCode();
  }

  private HttpResponse<String> send(String url) {
    try {
      return client.http().send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static String server(String name) {
    return "{\"name\":\"" + name + "\",\"server_type\":\"cx22\",\"image\":\"debian-12\"}";
  }

  /** {@code "<status> <code>[ <first invalid field>]"}. */
  private static String error(SimClient.Reply r) {
    JsonNode e = r.json().get("error");
    JsonNode field = e.at("/details/fields/0/name");
    return r.status() + " " + e.get("code").asText() + (field.isMissingNode() ? "" : " " + field.asText());
  }
}
