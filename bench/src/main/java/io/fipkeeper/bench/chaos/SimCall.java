package io.fipkeeper.bench.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One mutating call in the simulator's history ({@code GET /_sim/history}): when the simulator answered it
 * (wall clock), which endpoint, the server an assign asked for, the outcome, the action it started, and when it
 * was sent when that was earlier (a request the simulator held in transit; null otherwise).
 */
public record SimCall(Instant at, String method, String path, Long serverId, int httpStatus, String errorCode,
    Long actionId, Instant heldSince) {

  public SimCall(Instant at, String method, String path, Long serverId, int httpStatus, String errorCode) {
    this(at, method, path, serverId, httpStatus, errorCode, null, null);
  }

  /** When the sender sent it: the arrival of a held request, else when it was answered. */
  public Instant sentAt() {
    return heldSince != null ? heldSince : at;
  }

  /** This call, sent at {@code arrived} and held by the simulator until {@link #at()}. */
  public SimCall heldSince(Instant arrived) {
    return new SimCall(at, method, path, serverId, httpStatus, errorCode, actionId, arrived);
  }

  public boolean accepted() {
    return httpStatus == 201;
  }

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
      JsonNode action = n.path("actionId");
      calls.add(new SimCall(
          Instant.ofEpochMilli(n.path("atMillis").asLong()),
          n.path("method").asText(),
          n.path("path").asText(),
          server.isIntegralNumber() ? server.asLong() : null,
          n.path("httpStatus").asInt(),
          error.isNull() || error.isMissingNode() ? null : error.asText(),
          action.isIntegralNumber() ? action.asLong() : null,
          null));
    }
    return calls;
  }

  /**
   * Marks the calls the simulator held in transit ({@code GET /_sim/holds}) with their arrival: by action id when
   * the held call started one, else by path and status and the answer closest to the planned release.
   */
  public static List<SimCall> withHolds(List<SimCall> calls, JsonNode holds) {
    List<SimCall> out = new ArrayList<>(calls);
    for (JsonNode h : holds.path("held")) {
      if (h.path("status").asInt() == 0) {
        continue;
      }
      Instant arrived = Instant.ofEpochMilli(h.path("arrivedAtMillis").asLong());
      long released = h.path("releasedAtMillis").asLong();
      JsonNode action = h.path("actionId");
      int best = -1;
      long bestGap = Long.MAX_VALUE;
      for (int i = 0; i < out.size(); i++) {
        SimCall c = out.get(i);
        if (c.heldSince() != null) {
          continue;
        }
        boolean sameAction = action.isIntegralNumber() && Long.valueOf(action.asLong()).equals(c.actionId());
        long gap = Math.abs(c.at().toEpochMilli() - released);
        boolean samePath = c.path().equals(h.path("path").asText()) && c.httpStatus() == h.path("status").asInt();
        if (sameAction || (!action.isIntegralNumber() && samePath && gap < bestGap)) {
          best = i;
          bestGap = sameAction ? -1 : gap;
          if (sameAction) {
            break;
          }
        }
      }
      if (best >= 0 && bestGap < 5000) {
        out.set(best, out.get(best).heldSince(arrived));
      }
    }
    return out;
  }

  public String describe(String node) {
    return at + " hcloud " + method + " " + path + " server=" + serverId + (node == null ? "" : " (" + node + ")")
        + " status=" + httpStatus + (errorCode == null ? "" : " error=" + errorCode)
        + (heldSince == null ? "" : " (sent " + heldSince + ", held in transit)");
  }
}
