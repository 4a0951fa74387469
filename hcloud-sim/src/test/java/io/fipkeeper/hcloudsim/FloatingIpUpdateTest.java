package io.fipkeeper.hcloudsim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code PUT /floating_ips/{id}}: name, description and labels. */
@Timeout(30)
class FloatingIpUpdateTest {
  private HcloudSimulator sim;
  private SimClient client;
  private long fip;

  @BeforeEach
  void start() {
    sim = HcloudSimulator.builder().token("ci", "t").build().start();
    client = new SimClient(sim, "t");
    fip = sim.createFloatingIp("k8s-api", "203.0.113.10", Map.of("old", "label"));
    sim.createFloatingIp("spare", "203.0.113.11", Map.of());
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  @Test
  void updatesNameDescriptionAndReplacesTheLabels() {
    SimClient.Reply reply = client.send("PUT", "/v1/floating_ips/" + fip,
        "{\"name\":\"prod-api\",\"description\":\"stable API endpoint\",\"labels\":{\"cluster\":\"prod\",\"just-a-key\":\"\"}}",
        "t");

    assertThat(reply.status()).isEqualTo(200);
    JsonNode f = reply.json().get("floating_ip");
    assertThat(f.get("name").asText()).isEqualTo("prod-api");
    assertThat(f.get("description").asText()).isEqualTo("stable API endpoint");
    assertThat(f.get("labels")).isEqualTo(SimClient.JSON.valueToTree(Map.of("cluster", "prod", "just-a-key", "")));
    assertThat(client.get("/v1/floating_ips?name=prod-api").json().at("/floating_ips/0/id").asLong()).isEqualTo(fip);
    assertThat(client.get("/v1/floating_ips?label_selector=cluster%3Dprod").json().get("floating_ips")).hasSize(1);
  }

  @Test
  void omittedFieldsStayAndANullDescriptionClearsIt() {
    client.send("PUT", "/v1/floating_ips/" + fip, "{\"description\":\"x\"}", "t");

    JsonNode f = client.send("PUT", "/v1/floating_ips/" + fip, "{\"description\":null}", "t").json()
        .get("floating_ip");

    assertThat(f.get("name").asText()).isEqualTo("k8s-api");
    assertThat(f.get("labels").get("old").asText()).isEqualTo("label");
    assertThat(f.get("description").isNull()).isTrue();
  }

  @Test
  void rejectsATakenNameBadLabelsAndUnknownIds() {
    SimClient.Reply taken = client.send("PUT", "/v1/floating_ips/" + fip, "{\"name\":\"spare\"}", "t");
    SimClient.Reply badLabel = client.send("PUT", "/v1/floating_ips/" + fip, "{\"labels\":{\"a b\":\"c\"}}", "t");
    SimClient.Reply notString = client.send("PUT", "/v1/floating_ips/" + fip, "{\"labels\":{\"a\":1}}", "t");
    SimClient.Reply unknown = client.send("PUT", "/v1/floating_ips/99", "{}", "t");
    SimClient.Reply badJson = client.send("PUT", "/v1/floating_ips/" + fip, "{", "t");

    assertThat(taken.status()).isEqualTo(409);
    assertThat(taken.json().at("/error/code").asText()).isEqualTo("uniqueness_error");
    assertThat(taken.json().at("/error/details/fields/0/name").asText()).isEqualTo("name");
    assertThat(badLabel.status()).isEqualTo(422);
    assertThat(badLabel.json().at("/error/details/fields/0/name").asText()).isEqualTo("labels");
    assertThat(notString.status()).isEqualTo(422);
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(badJson.status()).isEqualTo(400);
    assertThat(client.get("/v1/floating_ips/" + fip).json().at("/floating_ip/name").asText()).isEqualTo("k8s-api");
  }
}
