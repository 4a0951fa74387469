package io.fipkeeper.hcloud;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fipkeeper.time.Ticker;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one logical API call: builds the request (base URL, bearer token, user agent, JSON body), retries
 * per {@link RetryPolicy} through the injected {@link Sleeper}, records the rate-limit headers, reports every
 * attempt to the {@link RequestListener}, and turns failures into {@link HcloudException}. Thread-safe.
 */
final class HcloudTransport {
  private static final Logger log = LoggerFactory.getLogger(HcloudTransport.class);
  static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One API call. {@code query} is a list of pairs because keys repeat ({@code id=1&id=2}). {@code guard}, when
   * set, is asked right before every attempt, retries included; false stops with code {@code fenced}. An
   * {@code urgent} call (a takeover: the endpoint may be dark) retries server errors at a short cap while the
   * rate-limit budget is comfortable.
   */
  record Call(String operation, String method, String path, List<Map.Entry<String, String>> query, String body,
      BooleanSupplier guard, boolean urgent) {
    static Call get(String operation, String path, List<Map.Entry<String, String>> query) {
      return new Call(operation, "GET", path, query, null, null, false);
    }

    static Call post(String operation, String path, String body, BooleanSupplier guard) {
      return new Call(operation, "POST", path, List.of(), body, guard, false);
    }

    Call urgent(boolean value) {
      return new Call(operation, method, path, query, body, guard, value);
    }
  }

  private final HttpClient http;
  private final String baseUrl;
  private final TokenProvider tokens;
  private final String userAgent;
  private final Duration requestTimeout;
  private final RetryPolicy retryPolicy;
  private final Sleeper sleeper;
  private final Ticker ticker;
  private final RequestListener listener;
  private volatile RateLimit lastRateLimit;

  HcloudTransport(HttpClient http, URI baseUrl, TokenProvider tokens, String userAgent, Duration requestTimeout,
      RetryPolicy retryPolicy, Sleeper sleeper, Ticker ticker, RequestListener listener) {
    this.http = http;
    String base = baseUrl.toString();
    this.baseUrl = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    this.tokens = tokens;
    this.userAgent = userAgent;
    this.requestTimeout = requestTimeout;
    this.retryPolicy = retryPolicy;
    this.sleeper = sleeper;
    this.ticker = ticker;
    this.listener = listener;
  }

  RateLimit lastRateLimit() {
    return lastRateLimit;
  }

  Sleeper sleeper() {
    return sleeper;
  }

  Ticker ticker() {
    return ticker;
  }

  /** Sends the call, retrying as the policy allows; returns the parsed 2xx body (an empty object if none). */
  JsonNode send(Call call) throws HcloudException {
    for (int attempt = 0; ; attempt++) {
      if (call.guard() != null && !call.guard().getAsBoolean()) {
        throw new HcloudException(call.operation(), 0, HcloudException.FENCED,
            "refused by the caller's check before attempt " + (attempt + 1), null, null, null);
      }
      ApiToken token = token(call); // per attempt: a rotated token is used from the next request on
      HttpRequest request = request(call, token);
      HcloudException failure;
      Optional<Duration> wait;
      long started = ticker.read();
      try {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        report(call.operation(), String.valueOf(response.statusCode()));
        RetryPolicy.rateLimit(response.headers()).ifPresent(limit -> lastRateLimit = limit);
        log.debug("hcloud response operation={} status={} attempt={} took_ms={}", call.operation(),
            response.statusCode(), attempt + 1, (ticker.read() - started) / 1_000_000);
        if (response.statusCode() / 100 == 2) {
          return parseSuccess(call, response);
        }
        failure = parseError(call, response, token);
        wait = retryPolicy.afterResponse(failure, response.headers(), attempt, call.urgent(), lastRateLimit);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new HcloudException(call.operation(), 0, HcloudException.INTERRUPTED,
            "interrupted while waiting for the response", null, null, e);
      } catch (IOException e) {
        report(call.operation(), HcloudException.NETWORK_ERROR);
        failure = HcloudException.network(call.operation(), describe(e, token), e);
        wait = retryPolicy.afterNetworkError(attempt, call.urgent(), lastRateLimit);
      }
      if (wait.isEmpty()) {
        throw failure;
      }
      log.warn("hcloud retry operation={} attempt={} wait_ms={} error={}", call.operation(), attempt + 1,
          wait.get().toMillis(), failure.getMessage());
      try {
        sleeper.sleep(wait.get());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new HcloudException(call.operation(), 0, HcloudException.INTERRUPTED,
            "interrupted during retry backoff", null, null, failure);
      }
    }
  }

  private ApiToken token(Call call) throws HcloudException {
    try {
      return tokens.token();
    } catch (RuntimeException e) {
      throw new HcloudException(call.operation(), 0, HcloudException.TOKEN_UNAVAILABLE,
          e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), null, null, null);
    }
  }

  private HttpRequest request(Call call, ApiToken token) {
    StringBuilder uri = new StringBuilder(baseUrl).append(call.path());
    char separator = '?';
    for (Map.Entry<String, String> parameter : call.query()) {
      uri.append(separator).append(encode(parameter.getKey())).append('=').append(encode(parameter.getValue()));
      separator = '&';
    }
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(uri.toString()))
        .timeout(requestTimeout)
        .header("Authorization", token.authorizationHeader())
        .header("User-Agent", userAgent)
        .header("Accept", "application/json");
    if (call.body() != null) {
      builder.header("Content-Type", "application/json")
          .method(call.method(), HttpRequest.BodyPublishers.ofString(call.body(), StandardCharsets.UTF_8));
    } else {
      builder.method(call.method(), HttpRequest.BodyPublishers.noBody());
    }
    return builder.build();
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private JsonNode parseSuccess(Call call, HttpResponse<String> response) throws HcloudException {
    String body = response.body();
    if (body == null || body.isBlank()) {
      return JSON.createObjectNode();
    }
    try {
      return JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw invalid(call, response, "status " + response.statusCode() + " with a body that is not JSON");
    }
  }

  private HcloudException parseError(Call call, HttpResponse<String> response, ApiToken token) {
    String correlationId = response.headers().firstValue("X-Correlation-Id").orElse(null);
    JsonNode error = null;
    try {
      String body = response.body();
      error = body == null || body.isBlank() ? null : JSON.readTree(body).path("error");
    } catch (JsonProcessingException e) {
      // not JSON: an HTML page from a proxy, typically; handled below
    }
    if (error == null || !error.path("code").isTextual()) {
      return invalid(call, response, "non-JSON error response");
    }
    return new HcloudException(call.operation(), response.statusCode(), error.path("code").asText(),
        token.redact(error.path("message").asText("")), error.get("details"), correlationId, null);
  }

  private HcloudException invalid(Call call, HttpResponse<String> response, String what) {
    return new HcloudException(call.operation(), response.statusCode(), HcloudException.INVALID_RESPONSE, what,
        null, response.headers().firstValue("X-Correlation-Id").orElse(null), null);
  }

  private String describe(IOException e, ApiToken token) {
    if (e instanceof HttpConnectTimeoutException) {
      return "could not connect to " + baseUrl + " within the connect timeout";
    }
    if (e instanceof HttpTimeoutException) {
      return "no response within " + requestTimeout.toMillis() + "ms";
    }
    if (e instanceof ConnectException) {
      return "could not connect to " + baseUrl + " (connection refused)";
    }
    String detail = e.getMessage() == null ? "" : ": " + token.redact(e.getMessage());
    return "connection to " + baseUrl + " failed (" + e.getClass().getSimpleName() + detail + ")";
  }

  private void report(String operation, String code) {
    try {
      listener.onResponse(operation, code);
    } catch (RuntimeException e) {
      log.warn("hcloud request listener failed operation={} error={}", operation, e.toString());
    }
  }
}
