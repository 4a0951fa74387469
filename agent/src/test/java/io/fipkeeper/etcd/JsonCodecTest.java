package io.fipkeeper.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fipkeeper.leader.AgentSnapshot;
import io.fipkeeper.leader.HolderRecord;
import io.fipkeeper.leader.State;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The JSON stored in etcd: readable instants, round trips, tolerant of fields added later. */
class JsonCodecTest {

  @Test
  void holderRecordRoundTripsWithAnIsoTimestamp() throws IOException {
    HolderRecord holder = new HolderRecord("cp-1", 42, "203.0.113.10", 17, Instant.parse("2026-01-02T03:04:05.123Z"));

    String json = JsonCodec.writeString(holder);

    assertThat(json).contains("\"since\":\"2026-01-02T03:04:05.123Z\"").contains("\"epoch\":17");
    assertThat(JsonCodec.holder(json.getBytes(StandardCharsets.UTF_8))).isEqualTo(holder);
  }

  @Test
  void agentSnapshotRoundTripsIncludingNulls() throws IOException {
    AgentSnapshot snapshot = new AgentSnapshot("cp-2", 7, State.SUSPENDED, null, "2001:db8::1", null, false, 0,
        Instant.parse("2026-01-02T03:04:05Z"), "etcd UNAVAILABLE", true, false, null);

    assertThat(JsonCodec.snapshot(JsonCodec.write(snapshot))).isEqualTo(snapshot);
  }

  @Test
  void fieldsFromANewerAgentAreIgnored() throws IOException {
    String json = "{\"node\":\"cp-1\",\"serverId\":1,\"floatingIp\":\"203.0.113.10\",\"epoch\":3,"
        + "\"since\":\"2026-01-02T03:04:05Z\",\"addedLater\":true}";

    assertThat(JsonCodec.holder(json.getBytes(StandardCharsets.UTF_8)).node()).isEqualTo("cp-1");
  }

  @Test
  void aMalformedTimestampIsAnError() {
    String json = "{\"node\":\"cp-1\",\"since\":\"yesterday\"}";

    assertThatThrownBy(() -> JsonCodec.holder(json.getBytes(StandardCharsets.UTF_8))).isInstanceOf(IOException.class)
        .hasMessageContaining("yesterday");
  }
}
