package io.fipkeeper.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * A small JSON-over-HTTP client with short timeouts, for polling agents, etcd and the simulator's control API.
 * Every call is bounded by {@link #TIMEOUT}; failures surface as {@link TestbedException}.
 */
public final class HttpJson {
  static final Duration TIMEOUT = Duration.ofMillis(1000);
  static final ObjectMapper MAPPER = new ObjectMapper();

  private final HttpClient client =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofMillis(500))
          .version(HttpClient.Version.HTTP_1_1)
          .build();

  /** GET returning the status code and body, or throwing when nothing answered. */
  public Response get(String url) {
    return send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET().build());
  }

  /** GET that must answer 2xx with JSON. */
  /** GET with a bearer token (never logged or put in an exception message). */
  public Response getWithToken(String url, String bearerToken) {
    return send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
        .header("Authorization", "Bearer " + bearerToken).GET().build());
  }

  public JsonNode getJson(String url) {
    Response r = get(url);
    if (r.status() / 100 != 2) {
      throw new TestbedException("GET " + url + " answered " + r.status());
    }
    return r.json();
  }

  /** GET that returns empty instead of throwing when nothing or an error answered. */
  public Optional<JsonNode> tryGetJson(String url) {
    try {
      return Optional.of(getJson(url));
    } catch (TestbedException e) {
      return Optional.empty();
    }
  }

  public Response post(String url, String json) {
    return post(url, json, null);
  }

  /** POST with an optional bearer token (never logged or put in an exception message). */
  public Response post(String url, String json, String bearerToken) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
    if (bearerToken != null) {
      b.header("Authorization", "Bearer " + bearerToken);
    }
    return send(b
        .timeout(TIMEOUT)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json))
        .build());
  }

  public Response delete(String url) {
    return delete(url, null);
  }

  /** DELETE with an optional bearer token (never logged or put in an exception message). */
  public Response delete(String url, String bearerToken) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).DELETE();
    if (bearerToken != null) {
      b.header("Authorization", "Bearer " + bearerToken);
    }
    return send(b.build());
  }

  private Response send(HttpRequest request) {
    try {
      HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.body());
    } catch (IOException e) {
      throw new TestbedException(request.method() + " " + request.uri() + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TestbedException("interrupted during " + request.method() + " " + request.uri(), e);
    }
  }

  /** Status code and body of one answer. */
  public record Response(int status, String body) {
    public JsonNode json() {
      try {
        return MAPPER.readTree(body);
      } catch (IOException e) {
        throw new TestbedException("not JSON: " + body.lines().findFirst().orElse(""), e);
      }
    }
  }
}
