package io.fipkeeper.hcloud;

/**
 * Told about every HTTP attempt the client makes, retries included, so the agent can count
 * {@code fipkeeper_hcloud_requests_total{operation,code}}. Called on the calling thread; must not throw.
 */
@FunctionalInterface
public interface RequestListener {
  /**
   * @param operation a fixed name such as {@code get_floating_ip}, {@code assign}, {@code list_actions}
   * @param code the HTTP status as a string ({@code "200"}, {@code "429"}) or {@code "network_error"}
   */
  void onResponse(String operation, String code);

  static RequestListener none() {
    return (operation, code) -> {};
  }
}
