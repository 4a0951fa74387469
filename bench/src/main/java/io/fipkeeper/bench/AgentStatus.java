package io.fipkeeper.bench;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One agent's {@code GET /status}, as far as the testbed reads it. Missing fields become null/false/-1 so a
 * partially implemented agent still shows up in the table.
 */
public record AgentStatus(
    String node,
    String serverId,
    String state,
    String leader,
    String floatingIp,
    String assignedServer,
    boolean bound,
    long epoch,
    String lastTransition,
    String lastError,
    boolean apiserverHealthy) {

  public static AgentStatus from(JsonNode j) {
    return new AgentStatus(
        text(j, "node"), text(j, "serverId"), text(j, "state"), text(j, "leader"), text(j, "floatingIp"),
        text(j, "assignedServer"), j.path("bound").asBoolean(false), j.path("epoch").asLong(-1),
        text(j, "lastTransition"), text(j, "lastError"), j.path("apiserverHealthy").asBoolean(false));
  }

  /** Leader with the address bound: the agent side of a completed takeover. */
  public boolean leadingAndBound() {
    return "LEADING".equals(state) && bound;
  }

  private static String text(JsonNode j, String field) {
    JsonNode v = j.path(field);
    return v.isMissingNode() || v.isNull() ? null : v.asText();
  }
}
