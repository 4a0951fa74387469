package io.fipkeeper.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fipkeeper.leader.AgentSnapshot;
import io.fipkeeper.leader.State;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusJsonTest {
  private static final AgentSnapshot STANDBY = new AgentSnapshot(
      "cp-2", 0L, State.STANDBY, null, "203.0.113.7", null, false, 0L, null, null, false, false, null);

  @Test
  void recordHasExactlyTheDocumentedFieldsInOrder() {
    List<String> components = Arrays.stream(StatusJson.class.getRecordComponents())
        .map(java.lang.reflect.RecordComponent::getName)
        .toList();

    assertThat(components).containsExactlyElementsOf(StatusJson.FIELDS);
  }

  @Test
  void jsonWritesEveryFieldEvenWhenNull() throws Exception {
    JsonNode json = new ObjectMapper().readTree(StatusJson.of(STANDBY, "1.0.0").toJson());

    List<String> names = new ArrayList<>();
    json.fieldNames().forEachRemaining(names::add);
    assertThat(names).containsExactlyElementsOf(StatusJson.FIELDS);
    assertThat(json.get("leader").isNull()).isTrue();
    assertThat(json.get("assignedServer").isNull()).isTrue();
    assertThat(json.get("lastTransition").isNull()).isTrue();
    assertThat(json.get("state").asText()).isEqualTo("STANDBY");
  }

  @Test
  void carriesOnlyWhatTheSnapshotHolds() {
    AgentSnapshot failing = new AgentSnapshot("cp-1", 7L, State.ACQUIRING, "cp-1", "203.0.113.7", 9L, true, 12L,
        Instant.parse("2026-11-25T16:00:00Z"), "assign failed: 423 locked", true, true,
        "takeover not completed within PT20S");

    StatusJson status = StatusJson.of(failing, "1.0.0");

    assertThat(status).isEqualTo(new StatusJson("cp-1", 7L, "active", "ACQUIRING", null, "cp-1", "203.0.113.7", 9L,
        true, 12L, "2026-11-25T16:00:00Z", "assign failed: 423 locked", true, true,
        "takeover not completed within PT20S", null, "1.0.0"));
  }

  @Test
  void observeModeShowsTheModeWhetherTheAgentWouldHoldAndWhatItWouldHaveDone() throws Exception {
    AgentSnapshot leading = new AgentSnapshot("cp-1", 7L, State.LEADING, "cp-1", "203.0.113.7", 9L, true, 12L,
        null, null, true, false, null);
    String action = "assign 203.0.113.7 to server 7 (Hetzner routes it to server 9)";

    JsonNode json = new ObjectMapper().readTree(StatusJson.of(leading, "1.0.0", ModeStatus.observe(action)).toJson());
    JsonNode standby = new ObjectMapper().readTree(StatusJson.of(STANDBY, "1.0.0", ModeStatus.observe(null)).toJson());
    JsonNode active = new ObjectMapper().readTree(StatusJson.of(leading, "1.0.0").toJson());

    assertThat(json.get("mode").asText()).isEqualTo("observe");
    assertThat(json.get("wouldHold").asBoolean()).isTrue();
    assertThat(json.get("lastWouldAction").asText()).isEqualTo(action);
    assertThat(standby.get("wouldHold").asBoolean(true)).isFalse();
    assertThat(standby.get("lastWouldAction").isNull()).isTrue();
    assertThat(active.get("mode").asText()).isEqualTo("active");
    assertThat(active.get("wouldHold").isNull()).as("meaningless in active mode").isTrue();
  }

  @Test
  void parsesItsOwnOutputAndIgnoresFieldsAddedLater() {
    StatusJson written = StatusJson.of(STANDBY, "1.0.0");
    String newer = written.toJson().replaceFirst("\\{", "{\"addedInV2\":true,");

    assertThat(StatusJson.parse(written.toJson())).isEqualTo(written);
    assertThat(StatusJson.parse(newer)).isEqualTo(written);
  }

  @Test
  void parseFailureIsAOneLineMessage() {
    assertThatThrownBy(() -> StatusJson.parse("<html>"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not a fipkeeper status document: ")
        .hasMessageNotContaining("\n");
  }
}
