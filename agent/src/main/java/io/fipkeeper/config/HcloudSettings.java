package io.fipkeeper.config;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Hetzner Cloud API settings. All durations are positive; {@code actionPollInterval} is at least 100ms and
 * {@code verifyInterval} at least 1s so the agent can't poll the rate-limited API in a tight loop.
 *
 * @param endpoint API base URL without trailing slash, e.g. {@code https://api.hetzner.cloud/v1}
 * @param token where the token comes from (never printed)
 * @param serverId this node's server id; empty means "ask the metadata service"
 */
public record HcloudSettings(
    URI endpoint,
    TokenSource token,
    URI metadataUrl,
    Optional<Long> serverId,
    Duration requestTimeout,
    Duration actionTimeout,
    Duration actionPollInterval,
    Duration verifyInterval) {

  public HcloudSettings {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(metadataUrl, "metadataUrl");
    Objects.requireNonNull(serverId, "serverId");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    Objects.requireNonNull(actionTimeout, "actionTimeout");
    Objects.requireNonNull(actionPollInterval, "actionPollInterval");
    Objects.requireNonNull(verifyInterval, "verifyInterval");
  }
}
