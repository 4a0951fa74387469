package io.fipkeeper.hcloudsim;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code /v1} pipeline: authenticate, take a rate-limit token, route (404/405), apply an injected fault, serve;
 * then stamp X-Correlation-Id and RateLimit-* on the response and record assign/unassign calls in the history.
 *
 * <p>Rate-limit accounting, made explicit: a 401 costs nothing (no project can be charged); every authenticated
 * request costs one token, whatever its outcome (404, 422, injected faults included); a request refused with 429
 * because the bucket is empty costs nothing, since the bucket cannot go below zero.
 */
final class ApiHandler {
  private static final Logger log = LoggerFactory.getLogger(ApiHandler.class);

  /** The answer plus what the recorder needs to know. */
  record Exchange(SimResponse response, Endpoint endpoint, String tokenLabel) {}

  private final SimState state;
  private final ApiResources resources;
  private final TokenRegistry tokens;
  private final Recorder recorder;

  ApiHandler(SimState state, ApiResources resources, TokenRegistry tokens, Recorder recorder) {
    this.state = state;
    this.resources = resources;
    this.tokens = tokens;
    this.recorder = recorder;
  }

  Exchange handle(SimRequest req, String pathBelowV1) {
    V1Route route = V1Route.resolve(req.method(), pathBelowV1);
    // a revoked token is refused like an unknown one, but its request still counts under its label
    TokenRegistry.Match token = tokens.match(req.header("authorization"));
    String label = token == null ? null : token.label();
    SimResponse response = token == null || token.revoked()
        ? SimResponse.error(401, "unauthorized", "unable to authenticate", null)
        : authorized(route, req);
    if (!response.drop) {
      stamp(response);
    }
    if (route.op() == V1Route.Op.ASSIGN || route.op() == V1Route.Op.UNASSIGN) {
      recordCall(route, req, label, response);
    } else if (route.op() == V1Route.Op.DELETE_SERVER) {
      recordDeletion(route, req, label, response);
    }
    return new Exchange(response, route.endpoint(), label);
  }

  private SimResponse authorized(V1Route route, SimRequest req) {
    if (!state.tryAcquireRateLimit()) {
      return SimResponse.error(429, "rate_limit_exceeded",
          "limit of " + state.rateLimitState().limit() + " requests per hour reached", null);
    }
    if (route.op() == V1Route.Op.UNKNOWN) {
      return ApiResources.notFound("no route for " + req.method() + " " + req.path());
    }
    if (!route.methodAllowed(req.method())) {
      return SimResponse.error(405, "method_not_allowed", "method " + req.method() + " not allowed", null)
          .header("Allow", String.join(", ", route.allowed()));
    }
    FaultRule fault = state.takeFault(route.endpoint());
    if (fault == null || fault.fault().shapesAction()) {
      return resources.serve(route, req, fault);
    }
    return FaultResponses.of(fault, () -> resources.serve(route, req, null));
  }

  /**
   * A server deletion goes into the history once per floating IP it unassigned (or once with floating IP 0 when it
   * unassigned none or failed), so a checker can tell an unassignment caused by a deletion, and who deleted, from an
   * unassign call.
   */
  private void recordDeletion(V1Route route, SimRequest req, String label, SimResponse response) {
    Long actionId = null;
    if (response.status == 200) {
      try {
        actionId = ApiJson.MAPPER.readTree(response.body).path("action").path("id").asLong();
      } catch (Exception e) {
        throw new IllegalStateException("simulator wrote an unreadable action body", e);
      }
    }
    List<Long> released = response.releasedFloatingIps.isEmpty() ? List.of(0L) : response.releasedFloatingIps;
    log.info("delete_server server={} token={} status={} error={} action={} unassigned_fips={}", route.id(), label,
        response.drop ? 0 : response.status, response.errorCode, actionId, response.releasedFloatingIps);
    for (long fip : released) {
      recorder.call(new RecordedCall(state.clock().now(), label, req.method(), req.path(), fip, route.id(),
          response.status, response.errorCode, actionId));
    }
  }

  private void stamp(SimResponse response) {
    RateLimitState rl = state.rateLimitState();
    response.header("X-Correlation-Id", Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE));
    response.header("RateLimit-Limit", Integer.toString(rl.limit()));
    response.header("RateLimit-Remaining", Integer.toString(response.status == 429 ? 0 : rl.remaining()));
    response.header("RateLimit-Reset", Long.toString(rl.resetEpochSeconds()));
  }

  private void recordCall(V1Route route, SimRequest req, String label, SimResponse response) {
    Long server = null;
    Long actionId = null;
    if (route.op() == V1Route.Op.ASSIGN) {
      try {
        JsonNode body = ApiJson.MAPPER.readTree(req.body());
        if (body != null && body.path("server").isIntegralNumber()) {
          server = body.get("server").asLong();
        }
      } catch (Exception e) {
        // malformed body: the call is still recorded, without a server
      }
    }
    if (response.status == 201) {
      try {
        actionId = ApiJson.MAPPER.readTree(response.body).path("action").path("id").asLong();
      } catch (Exception e) {
        throw new IllegalStateException("simulator wrote an unreadable action body", e);
      }
    }
    log.info("{} fip={} to={} token={} status={} error={} action={}", route.op().name().toLowerCase(Locale.ROOT),
        route.id(), server, label, response.drop ? 0 : response.status, response.errorCode, actionId);
    recorder.call(new RecordedCall(state.clock().now(), label, req.method(), req.path(), route.id(), server,
        response.status, response.errorCode, actionId));
  }
}
