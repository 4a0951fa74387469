package io.fipkeeper.hcloudsim;

/** Failures the simulator can inject, named after what the client observes (in the spirit of OkHttp's SocketPolicy). */
public enum Fault {
  /** 423 {@code locked}, as when another action runs on the resource. */
  LOCKED_423(423, "locked", "item is locked (there is already an Action running)"),
  /** 429 {@code rate_limit_exceeded} with RateLimit-Remaining: 0. */
  RATE_LIMITED_429(429, "rate_limit_exceeded", "limit of requests per hour reached"),
  /** 500 {@code server_error}. */
  SERVER_ERROR_500(500, "server_error", "error within the API backend"),
  /** 503 {@code unavailable} (there is no service_unavailable code). */
  UNAVAILABLE_503(503, "unavailable", "a service or product is currently unavailable"),
  /** 502 {@code bad_gateway}; with {@link FaultRule#plainBody()} an HTML body instead of JSON. */
  BAD_GATEWAY_502(502, "bad_gateway", "bad gateway"),
  /** 504 {@code timeout}; with {@link FaultRule#plainBody()} an HTML body instead of JSON. */
  TIMEOUT_504(504, "timeout", "request not answered in time, please retry"),
  /** 409 {@code conflict}. */
  CONFLICT_409(409, "conflict", "resource has changed during the request, please retry"),
  /** The connection is closed without any response; the request is not executed. */
  DROP_CONNECTION(0, null, null),
  /** The request is executed at once but its response is written after {@link FaultRule#latency()}. */
  SLOW_RESPONSE(0, null, null),
  /** Assign/unassign answer 201 with a running action that ends in status {@code error} ({@code action_failed}). */
  ACTION_ERROR(0, null, null),
  /** Assign/unassign actions stay running for {@link FaultRule#actionDuration()}. */
  SLOW_ACTION(0, null, null);

  private final int status;
  private final String code;
  private final String message;

  Fault(int status, String code, String message) {
    this.status = status;
    this.code = code;
    this.message = message;
  }

  /** HTTP status of an error fault, 0 for faults that do not answer with an error body. */
  public int status() {
    return status;
  }

  /** Hetzner error code of an error fault, null otherwise. */
  public String code() {
    return code;
  }

  String message() {
    return message;
  }

  boolean isErrorResponse() {
    return status != 0;
  }

  /** Whether the fault changes the action an assign/unassign creates rather than the HTTP exchange. */
  boolean shapesAction() {
    return this == ACTION_ERROR || this == SLOW_ACTION;
  }
}
