package io.fipkeeper.hcloudsim;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What to send back: status, content type, body and extra headers, or {@link #drop()} for closing the connection.
 * A {@code delay} postpones the write (SLOW_RESPONSE). Immutable except for headers added before sending.
 */
final class SimResponse {
  final int status;
  final String contentType;
  final String body;
  final Map<String, String> headers = new LinkedHashMap<>();
  final boolean drop;
  Duration delay = Duration.ZERO;
  /** The Hetzner error code of an error body, for the history. */
  final String errorCode;
  /** Floating IPs a server deletion unassigned, for the history (empty for every other response). */
  java.util.List<Long> releasedFloatingIps = java.util.List.of();

  private SimResponse(int status, String contentType, String body, boolean drop, String errorCode) {
    this.status = status;
    this.contentType = contentType;
    this.body = body;
    this.drop = drop;
    this.errorCode = errorCode;
  }

  static SimResponse json(int status, JsonNode body) {
    return new SimResponse(status, "application/json", ApiJson.write(body), false, null);
  }

  static SimResponse error(int status, String code, String message, JsonNode details) {
    return new SimResponse(status, "application/json", ApiJson.write(ApiJson.error(code, message, details)), false,
        code);
  }

  static SimResponse text(int status, String contentType, String body) {
    return new SimResponse(status, contentType, body, false, null);
  }

  static SimResponse drop() {
    return new SimResponse(0, null, null, true, null);
  }

  SimResponse header(String name, String value) {
    headers.put(name, value);
    return this;
  }
}
