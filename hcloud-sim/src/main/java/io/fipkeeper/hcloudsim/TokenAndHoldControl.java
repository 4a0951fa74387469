package io.fipkeeper.hcloudsim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;

/**
 * The control routes for tokens and held requests, next to {@link ControlHandler}'s:
 * <ul>
 *   <li>{@code GET /_sim/tokens}: every label, whether it is revoked, and how many API requests carried it (and how
 *       many of those were answered 401), plus requests with no or an unknown token; never a token value;</li>
 *   <li>{@code POST /_sim/tokens {"label","token"}}: accept one more token;</li>
 *   <li>{@code POST /_sim/tokens/{label}/revoke} and {@code .../restore}: answer it 401 from now on, or accept it
 *       again;</li>
 *   <li>{@code POST /_sim/holds {"endpoint","server","count","holdMs"}}: hold matching requests in transit;</li>
 *   <li>{@code GET /_sim/holds}: how many are held now and every held request with its arrival and release time;</li>
 *   <li>{@code DELETE /_sim/holds}: drop the rules (requests already held are still let through).</li>
 * </ul>
 */
final class TokenAndHoldControl {
  private final TokenRegistry tokens;
  private final HoldBook holds;
  private final Recorder recorder;

  TokenAndHoldControl(TokenRegistry tokens, HoldBook holds, Recorder recorder) {
    this.tokens = tokens;
    this.holds = holds;
    this.recorder = recorder;
  }

  static boolean handles(String path) {
    return path.equals("/tokens") || path.startsWith("/tokens/") || path.equals("/holds");
  }

  /** {@code path} is below {@code /_sim}, without a trailing slash. */
  SimResponse handle(SimRequest req, String path) {
    String m = req.method();
    if (path.equals("/tokens") && m.equals("GET")) {
      return SimResponse.json(200, tokenStats());
    }
    if (path.equals("/tokens") && m.equals("POST")) {
      JsonNode b = ControlHandler.body(req);
      tokens.add(ControlHandler.required(b, "label"), ControlHandler.required(b, "token"));
      return SimResponse.json(201, ApiJson.object().put("status", "ok"));
    }
    String[] parts = path.split("/");
    if (parts.length == 4 && m.equals("POST") && (parts[3].equals("revoke") || parts[3].equals("restore"))) {
      tokens.setRevoked(parts[2], parts[3].equals("revoke"));
      return SimResponse.json(200, ApiJson.object().put("status", "ok"));
    }
    if (path.equals("/holds") && m.equals("POST")) {
      JsonNode b = ControlHandler.body(req);
      Endpoint endpoint = ControlHandler.enumValue(Endpoint.class, ControlHandler.required(b, "endpoint"), "endpoint");
      Long server = b.hasNonNull("server") ? b.get("server").asLong() : null;
      int count = b.hasNonNull("count") ? b.get("count").asInt() : 1;
      holds.add(new HoldBook.Rule(endpoint, server, count, Duration.ofMillis(b.path("holdMs").asLong())));
      return SimResponse.json(201, ApiJson.object().put("status", "ok"));
    }
    if (path.equals("/holds") && m.equals("GET")) {
      return SimResponse.json(200, heldRequests());
    }
    if (path.equals("/holds") && m.equals("DELETE")) {
      holds.clear();
      return SimResponse.json(200, ApiJson.object().put("status", "ok"));
    }
    return SimResponse.error(404, "not_found", "no control route for " + m + " /_sim" + path, null);
  }

  private ObjectNode tokenStats() {
    ObjectNode out = ApiJson.object();
    ArrayNode list = out.putArray("tokens");
    long unauthenticated = 0;
    java.util.List<RecordedRequest> requests = recorder.requests();
    for (TokenRegistry.Entry e : tokens.list()) {
      long all = 0;
      long refused = 0;
      for (RecordedRequest r : requests) {
        if (e.label().equals(r.tokenLabel())) {
          all++;
          refused += r.status() == 401 ? 1 : 0;
        }
      }
      list.addObject().put("label", e.label()).put("revoked", e.revoked()).put("requests", all)
          .put("unauthorized", refused);
    }
    for (RecordedRequest r : requests) {
      if (r.tokenLabel() == null && r.endpoint() != Endpoint.METADATA) {
        unauthenticated++;
      }
    }
    out.put("unauthenticated", unauthenticated);
    return out;
  }

  private ObjectNode heldRequests() {
    ObjectNode out = ApiJson.object();
    out.put("holding", holds.holding());
    ArrayNode list = out.putArray("held");
    for (HoldBook.Held h : holds.log()) {
      ObjectNode n = list.addObject().put("method", h.method()).put("path", h.path())
          .put("arrivedAtMillis", h.arrived().toEpochMilli()).put("releasedAtMillis", h.released().toEpochMilli())
          .put("status", h.status());
      if (h.server() == null) {
        n.putNull("server");
      } else {
        n.put("server", h.server());
      }
      if (h.actionId() == null) {
        n.putNull("actionId");
      } else {
        n.put("actionId", h.actionId());
      }
    }
    return out;
  }
}
