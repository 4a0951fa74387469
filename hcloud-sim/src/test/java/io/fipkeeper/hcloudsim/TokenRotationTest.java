package io.fipkeeper.hcloudsim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Rotating the project token: add a second token, revoke the first, count who still uses which. */
@Timeout(30)
class TokenRotationTest {
  private HcloudSimulator sim;
  private SimClient control;

  @BeforeEach
  void start() {
    sim = HcloudSimulator.builder().token("default", "old-s3cr3t").build().start();
    control = new SimClient(sim, null);
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  @Test
  void aRevokedTokenIsRefusedWhileTheNewOneWorksAndRequestsAreCountedPerLabel() {
    assertThat(control.post("/_sim/tokens", "{\"label\":\"rotated\",\"token\":\"new-s3cr3t\"}").status()).isEqualTo(201);
    assertThat(get("old-s3cr3t")).isEqualTo(200);
    assertThat(get("new-s3cr3t")).isEqualTo(200);

    assertThat(control.post("/_sim/tokens/default/revoke", "").status()).isEqualTo(200);

    SimClient.Reply refused = control.send("GET", "/v1/floating_ips", null, "old-s3cr3t");
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.json().at("/error/code").asText()).isEqualTo("unauthorized");
    assertThat(get("new-s3cr3t")).isEqualTo(200);
    assertThat(get("guess")).isEqualTo(401);

    SimClient.Reply stats = control.get("/_sim/tokens");
    JsonNode tokens = stats.json().get("tokens");
    assertThat(tokens.get(0).get("label").asText()).isEqualTo("default");
    assertThat(tokens.get(0).get("revoked").asBoolean()).isTrue();
    assertThat(tokens.get(0).get("requests").asLong()).isEqualTo(2);
    assertThat(tokens.get(0).get("unauthorized").asLong()).isEqualTo(1);
    assertThat(tokens.get(1).get("label").asText()).isEqualTo("rotated");
    assertThat(tokens.get(1).get("requests").asLong()).isEqualTo(2);
    assertThat(tokens.get(1).get("unauthorized").asLong()).isZero();
    assertThat(stats.json().get("unauthenticated").asLong()).isEqualTo(1);
    assertThat(stats.body()).doesNotContain("s3cr3t");
    assertThat(sim.requests()).last().extracting(RecordedRequest::tokenLabel).isNull();
  }

  @Test
  void aRestoredTokenIsAcceptedAgain() {
    sim.revokeToken("default", true);
    assertThat(get("old-s3cr3t")).isEqualTo(401);

    control.post("/_sim/tokens/default/restore", "");

    assertThat(get("old-s3cr3t")).isEqualTo(200);
  }

  @Test
  void unknownLabelsAndReusedTokensAreRefusedWithAMessage() {
    SimClient.Reply unknown = control.post("/_sim/tokens/nope/revoke", "");
    SimClient.Reply reused = control.post("/_sim/tokens", "{\"label\":\"again\",\"token\":\"old-s3cr3t\"}");

    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.json().at("/error/message").asText()).isEqualTo("no token with label 'nope'; known: [default]");
    assertThat(reused.status()).isEqualTo(400);
    assertThat(reused.body()).doesNotContain("old-s3cr3t");
  }

  private int get(String token) {
    return control.send("GET", "/v1/floating_ips", null, token).status();
  }
}
