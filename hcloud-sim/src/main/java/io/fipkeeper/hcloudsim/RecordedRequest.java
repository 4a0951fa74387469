package io.fipkeeper.hcloudsim;

import java.time.Instant;
import java.util.Map;

/**
 * One request as the simulator saw it. {@code path} includes the query string. Header names are lower case; the
 * {@code authorization} header keeps only its shape (for example {@code Bearer <redacted>}). {@code status} is 0
 * when the connection was dropped.
 */
public record RecordedRequest(
    Instant time,
    String method,
    String path,
    Map<String, String> headers,
    String body,
    int status,
    Endpoint endpoint,
    String tokenLabel) {

  public String header(String name) {
    return headers.get(name.toLowerCase(java.util.Locale.ROOT));
  }
}
