package io.fipkeeper.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fipkeeper.leader.AgentSnapshot;
import io.fipkeeper.leader.State;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;

/**
 * The body of {@code /status}: an {@link AgentSnapshot} plus the agent version, with exactly the fields listed in
 * {@link #FIELDS} (docs/observability.md documents them). Absent values are written as JSON {@code null}, so the
 * shape never changes. Built only from the snapshot, which holds no secret, so no token can reach it.
 *
 * @param node this agent's node name
 * @param serverId this node's Hetzner server id (0 until known)
 * @param mode {@code "active"} or {@code "observe"}
 * @param state the leader state machine's state, e.g. {@code "LEADING"} (observe mode: the would-be state)
 * @param wouldHold observe mode: whether this agent would hold the floating IP now (state LEADING); null in active
 *     mode
 * @param leader the node the election names leader, or null
 * @param floatingIp the managed floating IP address
 * @param assignedServer the server id Hetzner last reported for the IP, or null
 * @param bound whether the address is bound locally
 * @param epoch the current term revision if leading, else the last seen holder epoch
 * @param lastTransition when the state last changed, ISO-8601 UTC, or null
 * @param lastError the last error message (secret-free), or null
 * @param apiserverHealthy the local apiserver probe's verdict
 * @param credentialsRejected Hetzner's last verdict on the API token was 401/403
 * @param lastResignation why this node last gave up a term it had won, or null
 * @param lastWouldAction observe mode: the last assign, bind or unbind it would have made, or null
 * @param version the agent version
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({
  "node", "serverId", "mode", "state", "wouldHold", "leader", "floatingIp", "assignedServer", "bound", "epoch",
  "lastTransition", "lastError", "apiserverHealthy", "credentialsRejected", "lastResignation", "lastWouldAction",
  "version"
})
public record StatusJson(
    String node,
    long serverId,
    String mode,
    String state,
    Boolean wouldHold,
    String leader,
    String floatingIp,
    Long assignedServer,
    boolean bound,
    long epoch,
    String lastTransition,
    String lastError,
    boolean apiserverHealthy,
    boolean credentialsRejected,
    String lastResignation,
    String lastWouldAction,
    String version) {

  /** The JSON field names, in output order. */
  public static final List<String> FIELDS = List.of(
      "node", "serverId", "mode", "state", "wouldHold", "leader", "floatingIp", "assignedServer", "bound", "epoch",
      "lastTransition", "lastError", "apiserverHealthy", "credentialsRejected", "lastResignation", "lastWouldAction",
      "version");

  private static final ObjectMapper MAPPER = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  /** The status of an agent in active mode. */
  public static StatusJson of(AgentSnapshot snapshot, String version) {
    return of(snapshot, version, ModeStatus.ACTIVE);
  }

  public static StatusJson of(AgentSnapshot snapshot, String version, ModeStatus mode) {
    Objects.requireNonNull(snapshot, "snapshot");
    Objects.requireNonNull(mode, "mode");
    return new StatusJson(
        snapshot.node(),
        snapshot.serverId(),
        mode.mode(),
        snapshot.state() == null ? null : snapshot.state().name(),
        mode.observing() ? snapshot.state() == State.LEADING : null,
        snapshot.leader(),
        snapshot.floatingIp(),
        snapshot.assignedServer(),
        snapshot.bound(),
        snapshot.epoch(),
        snapshot.lastTransition() == null ? null : snapshot.lastTransition().toString(),
        snapshot.lastError(),
        snapshot.apiserverHealthy(),
        snapshot.credentialsRejected(),
        snapshot.lastResignation(),
        mode.lastWouldAction(),
        version);
  }

  /** One JSON object on one line. */
  public String toJson() {
    try {
      return MAPPER.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("cannot write status json", e);
    }
  }

  /** Reads a {@code /status} body (ignoring fields added by newer agents), e.g. for {@code fipkeeper status}. */
  public static StatusJson parse(String json) {
    try {
      return MAPPER.readValue(json, StatusJson.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a fipkeeper status document: " + e.getOriginalMessage(), e);
    }
  }
}
