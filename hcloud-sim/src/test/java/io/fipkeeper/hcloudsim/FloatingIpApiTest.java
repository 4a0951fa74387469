package io.fipkeeper.hcloudsim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class FloatingIpApiTest {
  private final ManualSimClock clock = new ManualSimClock(Instant.parse("2016-01-30T23:55:00Z"));
  private HcloudSimulator sim;
  private SimClient client;

  @BeforeEach
  void start() {
    sim = HcloudSimulator.builder().token("ci", "s3cr3t").clock(clock).build().start();
    client = new SimClient(sim, "s3cr3t");
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  @Test
  void floatingIpHasEveryFieldOfTheReferenceExampleWithTheSameTypes() {
    long server = sim.createServer("cp-1", "198.51.100.11");
    long fip = sim.createFloatingIp("my-resource", "131.232.99.1", Map.of("environment", "prod", "just-a-key", ""));
    sim.assignDirectly(fip, server);

    SimClient.Reply reply = client.get("/v1/floating_ips/" + fip);

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.header("Content-Type")).startsWith("application/json");
    JsonNode f = reply.json().get("floating_ip");
    assertThat(iterable(f.fieldNames())).containsExactlyInAnyOrder("id", "name", "description", "ip", "type",
        "server", "dns_ptr", "home_location", "blocked", "protection", "labels", "created");
    assertThat(f.get("id").isIntegralNumber()).isTrue();
    assertThat(f.get("id").asLong()).isEqualTo(fip);
    assertThat(f.get("name").asText()).isEqualTo("my-resource");
    assertThat(f.get("description").isNull()).isTrue();
    assertThat(f.get("ip").asText()).isEqualTo("131.232.99.1");
    assertThat(f.get("type").asText()).isEqualTo("ipv4");
    assertThat(f.get("server").asLong()).isEqualTo(server);
    assertThat(f.get("dns_ptr").get(0).get("ip").asText()).isEqualTo("131.232.99.1");
    assertThat(iterable(f.get("home_location").fieldNames())).containsExactlyInAnyOrder("id", "name",
        "description", "country", "city", "latitude", "longitude", "network_zone");
    assertThat(f.get("home_location").get("latitude").isDouble()).isTrue();
    assertThat(f.get("blocked").isBoolean()).isTrue();
    assertThat(f.get("protection").get("delete").asBoolean()).isFalse();
    assertThat(f.get("labels").get("environment").asText()).isEqualTo("prod");
    assertThat(f.get("labels").get("just-a-key").asText()).isEmpty();
    assertThat(f.get("created").asText()).isEqualTo("2016-01-30T23:55:00+00:00");
  }

  @Test
  void unassignedFloatingIpHasNullServer() {
    long fip = sim.createFloatingIp("spare", "203.0.113.9", Map.of());

    JsonNode f = client.get("/v1/floating_ips/" + fip).json().get("floating_ip");

    assertThat(f.has("server")).isTrue();
    assertThat(f.get("server").isNull()).isTrue();
    assertThat(sim.floatingIpServer(fip)).isNull();
  }

  @Test
  void ipv6FloatingIpIsStoredAsSlash64Network() {
    long fip = sim.createFloatingIp("v6", "2001:db8:1::", Map.of());

    JsonNode f = client.get("/v1/floating_ips/" + fip).json().get("floating_ip");

    assertThat(f.get("type").asText()).isEqualTo("ipv6");
    assertThat(f.get("ip").asText()).isEqualTo("2001:db8:1::/64");
  }

  @Test
  void unknownFloatingIpIsNotFoundInHetznerErrorShape() {
    SimClient.Reply reply = client.get("/v1/floating_ips/999");

    assertThat(reply.status()).isEqualTo(404);
    JsonNode error = reply.json().get("error");
    assertThat(iterable(error.fieldNames())).containsExactly("code", "message", "details");
    assertThat(error.get("code").asText()).isEqualTo("not_found");
    assertThat(error.get("details").isNull()).isTrue();
  }

  @Test
  void listPaginatesWithMetaAndLinkHeader() {
    for (int i = 1; i <= 5; i++) {
      sim.createFloatingIp("fip-" + i, "203.0.113." + i, Map.of());
    }

    SimClient.Reply reply = client.get("/v1/floating_ips?per_page=2&page=2");

    assertThat(reply.status()).isEqualTo(200);
    JsonNode body = reply.json();
    assertThat(ids(body.get("floating_ips"))).containsExactly(3L, 4L);
    JsonNode p = body.get("meta").get("pagination");
    assertThat(p.get("page").asInt()).isEqualTo(2);
    assertThat(p.get("per_page").asInt()).isEqualTo(2);
    assertThat(p.get("previous_page").asInt()).isEqualTo(1);
    assertThat(p.get("next_page").asInt()).isEqualTo(3);
    assertThat(p.get("last_page").asInt()).isEqualTo(3);
    assertThat(p.get("total_entries").asInt()).isEqualTo(5);
    assertThat(reply.header("Link"))
        .contains("page=1&per_page=2>; rel=\"prev\"")
        .contains("page=3&per_page=2>; rel=\"next\"")
        .contains("page=3&per_page=2>; rel=\"last\"");
  }

  @Test
  void lastPageHasNullNextPageAndDefaultPerPageIs25() {
    sim.createFloatingIp("only", "203.0.113.1", Map.of());

    JsonNode p = client.get("/v1/floating_ips").json().get("meta").get("pagination");

    assertThat(p.get("per_page").asInt()).isEqualTo(25);
    assertThat(p.get("next_page").isNull()).isTrue();
    assertThat(p.get("previous_page").isNull()).isTrue();
    assertThat(p.get("last_page").asInt()).isEqualTo(1);
  }

  @Test
  void perPageIsCappedAtFifty() {
    for (int i = 1; i <= 60; i++) {
      sim.createFloatingIp("fip-" + i, "203.0.113." + i, Map.of());
    }

    JsonNode body = client.get("/v1/floating_ips?per_page=500").json();

    assertThat(body.get("floating_ips").size()).isEqualTo(50);
    assertThat(body.get("meta").get("pagination").get("per_page").asInt()).isEqualTo(50);
  }

  @Test
  void invalidPageIsRejectedAsInvalidInputNamingTheField() {
    SimClient.Reply reply = client.get("/v1/floating_ips?page=zero");

    assertThat(reply.status()).isEqualTo(422);
    assertThat(reply.json().at("/error/code").asText()).isEqualTo("invalid_input");
    assertThat(reply.json().at("/error/details/fields/0/name").asText()).isEqualTo("page");
  }

  @Test
  void listFiltersByNameAndSortsDescending() {
    sim.createFloatingIp("a", "203.0.113.1", Map.of());
    clock.advance(Duration.ofSeconds(1));
    sim.createFloatingIp("b", "203.0.113.2", Map.of());
    sim.createFloatingIp("c", "203.0.113.3", Map.of());

    assertThat(ids(client.get("/v1/floating_ips?name=b").json().get("floating_ips"))).containsExactly(2L);
    assertThat(ids(client.get("/v1/floating_ips?sort=id:desc").json().get("floating_ips")))
        .containsExactly(3L, 2L, 1L);
    assertThat(ids(client.get("/v1/floating_ips?sort=created:desc&sort=id:asc").json().get("floating_ips")))
        .containsExactly(2L, 3L, 1L);
    assertThat(client.get("/v1/floating_ips?sort=color").status()).isEqualTo(422);
  }

  @Test
  void listFiltersByLabelSelector() {
    sim.createFloatingIp("prod", "203.0.113.1", Map.of("env", "production", "role", "k8s-api"));
    sim.createFloatingIp("stage", "203.0.113.2", Map.of("env", "staging"));
    sim.createFloatingIp("bare", "203.0.113.3", Map.of());

    assertThat(ids(client.get("/v1/floating_ips?label_selector=env%3Dproduction").json().get("floating_ips")))
        .containsExactly(1L);
    assertThat(ids(client.get("/v1/floating_ips?label_selector=env%20in%20(staging,testing)").json()
        .get("floating_ips"))).containsExactly(2L);
    assertThat(ids(client.get("/v1/floating_ips?label_selector=!env").json().get("floating_ips")))
        .containsExactly(3L);
    assertThat(ids(client.get("/v1/floating_ips?label_selector=env,role!%3Dk8s-api").json().get("floating_ips")))
        .containsExactly(2L);
  }

  @Test
  void malformedLabelSelectorIsInvalidInput() {
    SimClient.Reply reply = client.get("/v1/floating_ips?label_selector=env%20in%20(a");

    assertThat(reply.status()).isEqualTo(422);
    assertThat(reply.json().at("/error/details/fields/0/name").asText()).isEqualTo("label_selector");
  }

  @Test
  void serverHasARealShapeWithItsPublicIpv4AndFloatingIps() {
    long server = sim.createServer("cp-1", "198.51.100.11");
    long fip = sim.createFloatingIp("api", "203.0.113.10", Map.of());
    sim.assignDirectly(fip, server);

    JsonNode s = client.get("/v1/servers/" + server).json().get("server");

    assertThat(s.get("id").asLong()).isEqualTo(server);
    assertThat(s.get("name").asText()).isEqualTo("cp-1");
    assertThat(s.get("status").asText()).isEqualTo("running");
    assertThat(s.at("/public_net/ipv4/ip").asText()).isEqualTo("198.51.100.11");
    assertThat(ids(s.at("/public_net/floating_ips"))).containsExactly(fip);
    assertThat(s.at("/datacenter/location/name").asText()).isEqualTo("fsn1");
    assertThat(client.get("/v1/servers/77").status()).isEqualTo(404);
  }

  @Test
  void unknownPathIsNotFoundAndWrongMethodIsMethodNotAllowed() {
    SimClient.Reply unknown = client.get("/v1/volumes");
    SimClient.Reply wrong = client.send("DELETE", "/v1/floating_ips/1", null, "s3cr3t");
    SimClient.Reply getAssign = client.get("/v1/floating_ips/1/actions/assign");

    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().at("/error/code").asText()).isEqualTo("not_found");
    assertThat(wrong.status()).isEqualTo(405);
    assertThat(wrong.json().at("/error/code").asText()).isEqualTo("method_not_allowed");
    assertThat(getAssign.status()).isEqualTo(405);
  }

  static List<Long> ids(JsonNode array) {
    List<Long> out = new ArrayList<>();
    array.forEach(n -> out.add(n.isObject() ? n.get("id").asLong() : n.asLong()));
    return out;
  }

  static <T> List<T> iterable(java.util.Iterator<T> it) {
    List<T> out = new ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }
}
