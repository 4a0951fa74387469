package io.fipkeeper.bench.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One mutating call in the simulator's history ({@code GET /_sim/history}): when the simulator answered it
 * (wall clock), which endpoint, the server an assign asked for, and the outcome.
 */
public record SimCall(Instant at, String method, String path, Long serverId, int httpStatus, String errorCode) {

  public boolean isAssign() {
    return path != null && path.endsWith("/actions/assign");
  }

  public boolean isUnassign() {
    return path != null && path.endsWith("/actions/unassign");
  }

  /** A successful {@code DELETE /v1/servers/{serverId}}: Hetzner unassigned the server's floating IPs with it. */
  public boolean isServerDeletion() {
    return "DELETE".equals(method) && path != null && path.matches(".*/servers/\\d+") && httpStatus == 200;
  }

  /** Reads the history array as the simulator serves it. */
  public static List<SimCall> fromHistory(JsonNode history) {
    List<SimCall> calls = new ArrayList<>();
    for (JsonNode n : history) {
      JsonNode server = n.path("serverId");
      JsonNode error = n.path("errorCode");
      calls.add(new SimCall(
          Instant.ofEpochMilli(n.path("atMillis").asLong()),
          n.path("method").asText(),
          n.path("path").asText(),
          server.isIntegralNumber() ? server.asLong() : null,
          n.path("httpStatus").asInt(),
          error.isNull() || error.isMissingNode() ? null : error.asText()));
    }
    return calls;
  }

  public String describe(String node) {
    return at + " hcloud " + method + " " + path + " server=" + serverId + (node == null ? "" : " (" + node + ")")
        + " status=" + httpStatus + (errorCode == null ? "" : " error=" + errorCode);
  }
}
