package io.fipkeeper.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The local apiserver probe. Durations are positive, thresholds are in 1..100, {@code insecureSkipVerify} is
 * only ever true for a loopback URL and never together with {@code caFile}.
 */
public record ProbeSettings(
    boolean enabled,
    URI url,
    Duration interval,
    Duration timeout,
    int failureThreshold,
    int successThreshold,
    Optional<Path> caFile,
    boolean insecureSkipVerify) {

  public ProbeSettings {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(caFile, "caFile");
    if (failureThreshold < 1 || successThreshold < 1) {
      throw new IllegalArgumentException("thresholds must be at least 1");
    }
    if (insecureSkipVerify && !isLoopback(url)) {
      throw new IllegalArgumentException("insecureSkipVerify is only allowed for loopback URLs, got " + url);
    }
  }

  /** Whether the URL's host is loopback (127.0.0.0/8, ::1, localhost), decided without DNS. */
  public static boolean isLoopback(URI url) {
    String host = url.getHost();
    if (host == null) {
      return false;
    }
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    return h.equalsIgnoreCase("localhost") || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")
        || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1");
  }
}
