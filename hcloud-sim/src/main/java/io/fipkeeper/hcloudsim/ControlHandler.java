package io.fipkeeper.hcloudsim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Locale;

/**
 * The unauthenticated {@code /_sim} control API, so that a simulator running as a separate process can be set up,
 * faulted and inspected: the HTTP twin of {@link HcloudSimulator}'s Java methods. Bad input gets a 400 with a
 * one-line message in the Hetzner error shape.
 */
final class ControlHandler {
  private final SimState state;
  private final Recorder recorder;
  private final TokenAndHoldControl tokensAndHolds;

  ControlHandler(SimState state, Recorder recorder, TokenAndHoldControl tokensAndHolds) {
    this.state = state;
    this.recorder = recorder;
    this.tokensAndHolds = tokensAndHolds;
  }

  /** {@code rest} is the path after {@code /_sim}. */
  SimResponse handle(SimRequest req, String rest) {
    try {
      String path = rest.replaceAll("/+$", "");
      String m = req.method();
      if (path.equals("/health") && m.equals("GET")) {
        return SimResponse.json(200, ApiJson.object().put("status", "ok"));
      }
      if (path.equals("/servers") && m.equals("POST")) {
        JsonNode b = body(req);
        long id = state.createServer(required(b, "name"), required(b, "public_ipv4"));
        return SimResponse.json(201, ApiJson.object().put("id", id));
      }
      if (path.equals("/floating_ips") && m.equals("POST")) {
        JsonNode b = body(req);
        Long server = b.hasNonNull("server") ? b.get("server").asLong() : null;
        long id = state.createFloatingIp(required(b, "name"), required(b, "ip"), ApiJson.labels(b.get("labels")),
            server);
        return SimResponse.json(201, ApiJson.object().put("id", id));
      }
      if (path.startsWith("/floating_ips/")) {
        return floatingIp(req, path.substring("/floating_ips/".length()));
      }
      if (TokenAndHoldControl.handles(path)) {
        return tokensAndHolds.handle(req, path);
      }
      if (path.equals("/faults") && m.equals("POST")) {
        state.inject(faultRule(body(req)));
        return SimResponse.json(201, ApiJson.object().put("status", "ok"));
      }
      if (path.equals("/faults") && m.equals("DELETE")) {
        state.clearFaults();
        return SimResponse.json(200, ApiJson.object().put("status", "ok"));
      }
      if (path.equals("/config") && m.equals("POST")) {
        JsonNode b = body(req);
        if (b.has("actionDurationMs")) {
          state.setActionDuration(Duration.ofMillis(b.get("actionDurationMs").asLong()));
        }
        return SimResponse.json(200, ApiJson.object().put("status", "ok"));
      }
      if (path.equals("/history") && m.equals("GET")) {
        return SimResponse.json(200, history());
      }
      if (path.equals("/stats") && m.equals("GET")) {
        ObjectNode stats = ApiJson.object();
        stats.put("requests", recorder.requestCount());
        ObjectNode by = stats.putObject("byEndpoint");
        recorder.byEndpoint().forEach((e, n) -> by.put(e.name(), n));
        RateLimitState rl = state.rateLimitState();
        stats.putObject("rateLimit").put("limit", rl.limit()).put("remaining", rl.remaining())
            .put("reset", rl.resetEpochSeconds());
        return SimResponse.json(200, stats);
      }
      return SimResponse.error(404, "not_found", "no control route for " + m + " /_sim" + path, null);
    } catch (IllegalArgumentException e) {
      return SimResponse.error(400, "invalid_input", e.getMessage(), null);
    }
  }

  private SimResponse floatingIp(SimRequest req, String rest) {
    String[] parts = rest.split("/");
    long id;
    try {
      id = Long.parseLong(parts[0]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid floating ip id '" + parts[0] + "'");
    }
    if (parts.length == 2 && parts[1].equals("assign") && req.method().equals("POST")) {
      JsonNode b = body(req);
      state.assignDirectly(id, b.hasNonNull("server") ? b.get("server").asLong() : null);
    } else if (parts.length != 1 || !req.method().equals("GET")) {
      return SimResponse.error(404, "not_found", "no control route for " + req.method() + " " + req.path(), null);
    }
    SimEntities.FloatingIp fip = state.floatingIp(id);
    if (fip == null) {
      return SimResponse.error(404, "not_found", "floating ip " + id + " not found", null);
    }
    ObjectNode out = ApiJson.object().put("id", id).put("name", fip.name()).put("ip", fip.ip());
    if (fip.server() == null) {
      out.putNull("server");
    } else {
      out.put("server", fip.server());
    }
    return SimResponse.json(200, out);
  }

  private ArrayNode history() {
    ArrayNode out = ApiJson.MAPPER.createArrayNode();
    for (RecordedCall c : recorder.calls()) {
      ObjectNode n = out.addObject();
      n.put("time", c.time().toString());
      n.put("atMillis", c.time().toEpochMilli());
      n.put("tokenLabel", c.tokenLabel());
      n.put("method", c.method());
      n.put("path", c.path());
      n.put("floatingIpId", c.floatingIpId());
      if (c.serverId() == null) {
        n.putNull("serverId");
      } else {
        n.put("serverId", c.serverId());
      }
      n.put("httpStatus", c.httpStatus());
      n.put("errorCode", c.errorCode());
      if (c.actionId() == null) {
        n.putNull("actionId");
      } else {
        n.put("actionId", c.actionId());
      }
    }
    return out;
  }

  private FaultRule faultRule(JsonNode b) {
    Fault fault = enumValue(Fault.class, required(b, "fault"), "fault");
    FaultRule.Builder rule = FaultRule.builder(fault);
    if (b.hasNonNull("endpoint")) {
      rule.endpoint(enumValue(Endpoint.class, b.get("endpoint").asText(), "endpoint"));
    }
    if (b.hasNonNull("count")) {
      rule.count(b.get("count").asInt());
    }
    if (b.hasNonNull("durationMs")) {
      rule.until(state.clock().now().plusMillis(b.get("durationMs").asLong()));
    }
    if (b.hasNonNull("latencyMs")) {
      rule.latency(Duration.ofMillis(b.get("latencyMs").asLong()));
    }
    if (b.hasNonNull("actionDurationMs")) {
      rule.actionDuration(Duration.ofMillis(b.get("actionDurationMs").asLong()));
    }
    if (b.hasNonNull("plainBody")) {
      rule.plainBody(b.get("plainBody").asBoolean());
    }
    return rule.build();
  }

  static <E extends Enum<E>> E enumValue(Class<E> type, String raw, String field) {
    try {
      return Enum.valueOf(type, raw.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown " + field + " '" + raw + "'");
    }
  }

  static JsonNode body(SimRequest req) {
    try {
      JsonNode node = req.body().isBlank() ? ApiJson.object() : ApiJson.MAPPER.readTree(req.body());
      if (!node.isObject()) {
        throw new IllegalArgumentException("request body must be a JSON object");
      }
      return node;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("invalid JSON in request body");
    }
  }

  static String required(JsonNode b, String field) {
    if (!b.hasNonNull(field) || b.get(field).asText().isBlank()) {
      throw new IllegalArgumentException("missing field '" + field + "'");
    }
    return b.get(field).asText();
  }
}
