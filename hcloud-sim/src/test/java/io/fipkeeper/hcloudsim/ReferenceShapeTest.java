package io.fipkeeper.hcloudsim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Compares simulator answers field by field with the examples of the Hetzner reference notes (section 1 and 2). */
@Timeout(30)
class ReferenceShapeTest {
  private static final String FLOATING_IP_EXAMPLE = """
      {"floating_ip": {
        "id": 4711, "name": "my-resource", "description": "This describes my resource",
        "ip": "131.232.99.1", "type": "ipv4", "server": 42,
        "dns_ptr": [{"ip": "131.232.99.1", "dns_ptr": "server.example.com"}],
        "home_location": {"id": 1, "name": "fsn1", "description": "Falkenstein DC Park 1", "country": "DE",
                          "city": "Falkenstein", "latitude": 50.47612, "longitude": 12.370071,
                          "network_zone": "eu-central"},
        "blocked": false, "protection": {"delete": false},
        "labels": {"environment": "prod", "example.com/my": "label", "just-a-key": ""},
        "created": "2016-01-30T23:55:00+00:00"}}""";
  private static final String ACTION_EXAMPLE = """
      {"action": {
        "id": 13, "command": "assign_floating_ip", "status": "running", "progress": 0,
        "started": "2016-01-30T23:55:00+00:00", "finished": null,
        "resources": [{"id": 42, "type": "server"}, {"id": 4711, "type": "floating_ip"}],
        "error": null}}""";
  private static final String INVALID_INPUT_EXAMPLE = """
      {"error":{"code":"invalid_input","message":"invalid input in field 'server': is missing",
                "details":{"fields":[{"name":"server","messages":["is missing"]}]}}}""";
  /** Fields the reference documents as nullable; the simulator may answer null where the example has a value. */
  private static final Set<String> NULLABLE = Set.of("description", "server", "finished", "error");

  private final ManualSimClock clock = new ManualSimClock();
  private HcloudSimulator sim;
  private SimClient client;
  private long server;
  private long fip;

  @BeforeEach
  void start() {
    sim = HcloudSimulator.builder().token("ci", "t").clock(clock).actionDuration(Duration.ofSeconds(1)).build()
        .start();
    client = new SimClient(sim, "t");
    server = sim.createServer("cp-1", "198.51.100.11");
    fip = sim.createFloatingIp("my-resource", "131.232.99.1",
        Map.of("environment", "prod", "example.com/my", "label", "just-a-key", ""));
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  @Test
  void floatingIpMatchesTheReferenceExampleFieldByField() {
    sim.assignDirectly(fip, server);

    assertSameShape("", json(FLOATING_IP_EXAMPLE), client.get("/v1/floating_ips/" + fip).json());
  }

  @Test
  void assignActionMatchesTheReferenceExampleFieldByField() {
    JsonNode actual = client.post("/v1/floating_ips/" + fip + "/actions/assign", "{\"server\":" + server + "}")
        .json();

    assertSameShape("", json(ACTION_EXAMPLE), actual);
  }

  @Test
  void missingServerErrorEqualsTheReferenceExample() {
    SimClient.Reply reply = client.post("/v1/floating_ips/" + fip + "/actions/assign", "{}");

    assertThat(reply.json()).isEqualTo(json(INVALID_INPUT_EXAMPLE));
  }

  private static void assertSameShape(String path, JsonNode expected, JsonNode actual) {
    if (expected.isObject()) {
      assertThat(actual.isObject()).as(path + " is an object").isTrue();
      assertThat(FloatingIpApiTest.iterable(actual.fieldNames())).as(path + " fields")
          .containsExactlyInAnyOrderElementsOf(FloatingIpApiTest.iterable(expected.fieldNames()));
      for (Iterator<Map.Entry<String, JsonNode>> it = expected.properties().iterator(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode a = actual.get(e.getKey());
        String p = path + "/" + e.getKey();
        if (a.isNull() && NULLABLE.contains(e.getKey())) {
          continue;
        }
        if (e.getKey().equals("labels")) {
          assertThat(a).as(p).isEqualTo(e.getValue());
          continue;
        }
        assertSameShape(p, e.getValue(), a);
      }
    } else if (expected.isArray()) {
      assertThat(actual.isArray()).as(path + " is an array").isTrue();
      assertThat(actual.size()).as(path + " size").isEqualTo(expected.size());
      for (int i = 0; i < expected.size(); i++) {
        assertSameShape(path + "/" + i, expected.get(i), actual.get(i));
      }
    } else {
      assertThat(actual.getNodeType()).as(path + " type").isEqualTo(expected.getNodeType());
      assertThat(actual.isIntegralNumber()).as(path + " integral").isEqualTo(expected.isIntegralNumber());
      if (path.endsWith("/type") || path.endsWith("/command") || path.endsWith("/status")) {
        assertThat(actual.asText()).as(path).isEqualTo(expected.asText());
      }
      if (expected.isTextual() && expected.asText().matches("\\d{4}-\\d\\d-\\d\\dT.*")) {
        assertThat(actual.asText()).as(path + " timestamp").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\+00:00");
      }
    }
  }

  private static JsonNode json(String s) {
    try {
      return SimClient.JSON.readTree(s);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }
}
