package io.fipkeeper.hcloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.Set;

/**
 * A failed Hetzner call: an API error ({@code {"error":{"code","message","details"}}}), an unexpected HTTP
 * status, a network failure, or a failed/overdue action (the subclasses). The message is one line naming
 * the operation, status, code and correlation id; it never contains the token.
 */
public class HcloudException extends Exception {
  /** Code used when no HTTP response arrived (connect failure, reset, timeout). */
  public static final String NETWORK_ERROR = "network_error";
  /** Code used when a response body is not the JSON the API documents (an HTML 502 page, a bad 200). */
  public static final String INVALID_RESPONSE = "invalid_response";
  /** Code used when the caller's guard (the leadership fence) refused an attempt; nothing was sent. */
  public static final String FENCED = "fenced";
  /** Code used when the calling thread was interrupted while waiting. */
  public static final String INTERRUPTED = "interrupted";
  /** Code used when no token could be read for the request; nothing was sent. */
  public static final String TOKEN_UNAVAILABLE = "token_unavailable";

  /** Codes after which trying again later may succeed (the auto-retried ones plus locked and server errors). */
  private static final Set<String> RETRYABLE_CODES = Set.of(
      "conflict", "rate_limit_exceeded", "limit_reached", "timeout", "bad_gateway", "unavailable",
      "server_error", "locked", "robot_unavailable", "unknown_error", NETWORK_ERROR);

  private final String operation;
  private final int status;
  private final String code;
  private final String apiMessage;
  private final JsonNode details;
  private final String correlationId;

  public HcloudException(
      String operation, int status, String code, String apiMessage, JsonNode details, String correlationId,
      Throwable cause) {
    super(format(operation, status, code, apiMessage, correlationId), cause);
    this.operation = operation;
    this.status = status;
    this.code = code;
    this.apiMessage = apiMessage;
    this.details = details == null ? MissingNode.getInstance() : details;
    this.correlationId = correlationId;
  }

  /** A failure with no HTTP response (status 0). */
  static HcloudException network(String operation, String what, Throwable cause) {
    return new HcloudException(operation, 0, NETWORK_ERROR, what, null, null, cause);
  }

  private static String format(String operation, int status, String code, String message, String correlationId) {
    StringBuilder text = new StringBuilder("hcloud ").append(operation).append(" failed:");
    if (status > 0) {
      text.append(" status=").append(status);
    }
    text.append(" code=").append(code);
    if (message != null && !message.isEmpty()) {
      text.append(" message=\"").append(oneLine(message)).append('"');
    }
    if (correlationId != null && !correlationId.isEmpty()) {
      text.append(" correlation_id=").append(oneLine(correlationId));
    }
    return text.toString();
  }

  private static String oneLine(String text) {
    String flat = text.replaceAll("[\\r\\n\\t]+", " ").strip();
    return flat.length() > 300 ? flat.substring(0, 300) + "..." : flat;
  }

  /** The operation name, as reported to {@link RequestListener}. */
  public String operation() {
    return operation;
  }

  /** The HTTP status, or 0 when no response arrived or the failure is an action's. */
  public int status() {
    return status;
  }

  /** The API's machine code ({@code locked}, {@code not_found}...), or one of the constants above. */
  public String code() {
    return code;
  }

  /** The API's human message, or a description of the local failure. */
  public String apiMessage() {
    return apiMessage;
  }

  /** The API's {@code details} object; a missing node when there were none. */
  public JsonNode details() {
    return details;
  }

  /** The {@code X-Correlation-Id} response header, or null. */
  public String correlationId() {
    return correlationId;
  }

  /** Whether the same call may succeed later (rate limit, conflict, lock, 5xx, network, timeouts). */
  public boolean retryable() {
    return RETRYABLE_CODES.contains(code) || status >= 500;
  }

  /** Whether the token was the problem: Hetzner answered 401 or 403, or no token could be read at all. */
  public boolean credentialsRejected() {
    return status == 401 || status == 403 || TOKEN_UNAVAILABLE.equals(code);
  }

  public boolean isLocked() {
    return "locked".equals(code);
  }

  public boolean isNotFound() {
    return status == 404 || "not_found".equals(code);
  }
}
