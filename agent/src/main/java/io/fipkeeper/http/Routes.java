package io.fipkeeper.http;

import io.fipkeeper.leader.AgentSnapshot;
import io.fipkeeper.metrics.AgentMetrics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps a method and path to a reply, free of Netty types. Only GET and HEAD are served; an unknown path is 404
 * whatever the method, a known path with another method is 405 with an {@code Allow} header. Every reply is built
 * in full before it is sent, so a failing check or scrape becomes a 5xx, never a half-written body.
 */
final class Routes {
  static final String HEALTHZ = "/healthz";
  static final String READYZ = "/readyz";
  static final String STATUS = "/status";
  static final String METRICS = "/metrics";
  static final List<String> PATHS = List.of(HEALTHZ, READYZ, STATUS, METRICS);

  static final String TEXT = "text/plain; charset=utf-8";
  static final String JSON = "application/json";
  static final String ALLOW = "GET, HEAD";

  private static final Logger log = LoggerFactory.getLogger(Routes.class);

  /** A complete response. {@code headers} holds extra headers besides content type and length. */
  record Reply(int status, String contentType, byte[] body, Map<String, String> headers) {
    static Reply text(int status, String body) {
      return new Reply(status, TEXT, body.getBytes(StandardCharsets.UTF_8), Map.of());
    }
  }

  private final Supplier<AgentSnapshot> snapshot;
  private final HealthChecks liveness;
  private final HealthChecks readiness;
  private final AgentMetrics metrics;
  private final String version;
  private final Supplier<ModeStatus> mode;

  Routes(Supplier<AgentSnapshot> snapshot, HealthChecks liveness, HealthChecks readiness, AgentMetrics metrics,
      String version) {
    this(snapshot, liveness, readiness, metrics, version, () -> ModeStatus.ACTIVE);
  }

  Routes(Supplier<AgentSnapshot> snapshot, HealthChecks liveness, HealthChecks readiness, AgentMetrics metrics,
      String version, Supplier<ModeStatus> mode) {
    this.mode = Objects.requireNonNull(mode, "mode");
    this.snapshot = Objects.requireNonNull(snapshot, "snapshot");
    this.liveness = Objects.requireNonNull(liveness, "liveness");
    this.readiness = Objects.requireNonNull(readiness, "readiness");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.version = Objects.requireNonNull(version, "version");
  }

  /**
   * @param method the request method name, e.g. {@code "GET"}
   * @param path the request path without the query string
   * @param accept the Accept header, or null
   */
  Reply handle(String method, String path, String accept) {
    if (!PATHS.contains(path)) {
      return Reply.text(404, "not found: " + path + " (try " + String.join(", ", PATHS) + ")\n");
    }
    if (!"GET".equals(method) && !"HEAD".equals(method)) {
      Reply text = Reply.text(405, "method not allowed: " + method + " (allowed: " + ALLOW + ")\n");
      return new Reply(text.status(), text.contentType(), text.body(), Map.of("Allow", ALLOW));
    }
    return switch (path) {
      case HEALTHZ -> checks(liveness);
      case READYZ -> checks(readiness);
      case STATUS -> status();
      case METRICS -> metrics(accept);
      default -> throw new IllegalStateException("no handler for " + path);
    };
  }

  private static Reply checks(HealthChecks checks) {
    List<String> failures = checks.failures();
    if (failures.isEmpty()) {
      return Reply.text(200, "ok\n");
    }
    return Reply.text(503, String.join("\n", failures) + "\n");
  }

  private Reply status() {
    AgentSnapshot current;
    try {
      current = snapshot.get();
    } catch (RuntimeException e) {
      log.warn("status snapshot failed error={}", e.toString());
      return Reply.text(500, "status unavailable: " + e.getClass().getSimpleName() + "\n");
    }
    if (current == null) {
      return Reply.text(503, "status not available yet\n");
    }
    byte[] body = (StatusJson.of(current, version, mode.get()).toJson() + "\n").getBytes(StandardCharsets.UTF_8);
    return new Reply(200, JSON, body, Map.of());
  }

  private Reply metrics(String accept) {
    boolean openMetrics = accept != null && accept.contains("application/openmetrics-text");
    String text = openMetrics ? metrics.scrapeOpenMetrics() : metrics.scrape();
    String type = openMetrics ? AgentMetrics.OPENMETRICS_CONTENT_TYPE : AgentMetrics.TEXT_CONTENT_TYPE;
    return new Reply(200, type, text.getBytes(StandardCharsets.UTF_8), Map.of());
  }
}
