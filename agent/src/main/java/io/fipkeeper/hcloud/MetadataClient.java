package io.fipkeeper.hcloud;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Objects;

/**
 * Reads this server's identity from the Hetzner metadata service (no auth, link-local). Like hcloud-go's
 * metadata client: 5s default timeout, bodies trimmed, any non-2xx status is an error.
 */
public final class MetadataClient {
  public static final URI DEFAULT_URL = URI.create("http://169.254.169.254/hetzner/v1/metadata");

  private final String baseUrl;
  private final Duration timeout;
  private final HttpClient http;

  public MetadataClient(URI baseUrl) {
    this(baseUrl, Duration.ofSeconds(5));
  }

  public MetadataClient(URI baseUrl, Duration timeout) {
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("metadata timeout must be positive, got " + timeout);
    }
    String base = baseUrl.toString();
    this.baseUrl = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(timeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  /** This server's id ({@code /instance-id}). */
  public long instanceId() throws HcloudException {
    String text = get("instance-id");
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new HcloudException("metadata_instance_id", 200, HcloudException.INVALID_RESPONSE,
          baseUrl + "/instance-id returned \"" + abbreviate(text) + "\", not a number", null, null, null);
    }
  }

  /** {@code /hostname}. */
  public String hostname() throws HcloudException {
    return get("hostname");
  }

  /** The primary public IPv4 ({@code /public-ipv4}), not the floating IP. */
  public String publicIpv4() throws HcloudException {
    return get("public-ipv4");
  }

  private String get(String key) throws HcloudException {
    String operation = "metadata_" + key.replace('-', '_');
    String url = baseUrl + "/" + key;
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (HttpTimeoutException e) {
      throw HcloudException.network(operation, url + ": no answer within " + timeout.toMillis() + "ms", e);
    } catch (IOException e) {
      throw HcloudException.network(operation, url + ": " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HcloudException(operation, 0, HcloudException.INTERRUPTED, url, null, null, e);
    }
    String body = response.body() == null ? "" : response.body().strip();
    if (response.statusCode() / 100 != 2) {
      throw new HcloudException(operation, response.statusCode(), "metadata_error",
          url + " answered " + response.statusCode() + (body.isEmpty() ? "" : ": " + abbreviate(body)),
          null, null, null);
    }
    if (body.isEmpty()) {
      throw new HcloudException(operation, response.statusCode(), HcloudException.INVALID_RESPONSE,
          url + " returned an empty body", null, null, null);
    }
    return body;
  }

  private static String abbreviate(String text) {
    return text.length() > 80 ? text.substring(0, 80) + "..." : text;
  }
}
