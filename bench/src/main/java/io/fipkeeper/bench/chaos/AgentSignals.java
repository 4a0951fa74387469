package io.fipkeeper.bench.chaos;

import java.util.Optional;

/**
 * What the harness reads from the agents beyond {@code /status} and the state-change log lines, by name, in one
 * place: the names the agent work of issue 8 was asked to use. Each can be overridden with a system property
 * (for example {@code -Dfipkeeper.chaos.authFailureMetric=...}) should the agent settle on another name.
 */
public final class AgentSignals {
  /**
   * Gauge, 1 while Hetzner's last verdict on the token was 401/403 (issue 8: "a distinct, alertable condition"; the
   * agent's alert FipkeeperHcloudCredentialsRejected fires on it). The name the agent work of issue 8 settled on.
   */
  static final String AUTH_FAILURE_METRIC = "fipkeeper_hcloud_credentials_rejected";

  private AgentSignals() {}

  public static String authFailureMetric() {
    return System.getProperty("fipkeeper.chaos.authFailureMetric", AUTH_FAILURE_METRIC);
  }

  /**
   * The sum of every sample of {@code metric} in a Prometheus text exposition, or empty when the metric is not
   * exported at all (an agent that does not have it cannot raise the alert).
   */
  public static Optional<Double> sum(String exposition, String metric) {
    double total = 0;
    boolean seen = false;
    for (String line : exposition.split("\n")) {
      if (line.startsWith("#")) {
        continue;
      }
      if (line.startsWith(metric + " ") || line.startsWith(metric + "{")) {
        String[] f = line.trim().split("\\s+");
        try {
          total += Double.parseDouble(f[f.length - 1]);
          seen = true;
        } catch (NumberFormatException e) {
          // a timestamp-less sample always ends in its value; anything else is not a sample
        }
      }
    }
    return seen ? Optional.of(total) : Optional.empty();
  }
}
