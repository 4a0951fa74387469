package io.fipkeeper.config;

import java.util.Map;
import java.util.Objects;

/**
 * A loaded configuration plus, per YAML key, where its value came from ({@code default}, {@code config file},
 * {@code env FIPKEEPER_LEASE_TTL}, {@code flag --lease-ttl}) for {@link EffectiveConfigPrinter}.
 */
public record LoadedConfig(AgentConfig config, Map<String, String> origins) {
  public LoadedConfig {
    Objects.requireNonNull(config, "config");
    origins = Map.copyOf(origins);
  }

  /** Where the value of {@code yamlKey} came from; {@code default} when no source set it. */
  public String originOf(String yamlKey) {
    return origins.getOrDefault(yamlKey, "default");
  }
}
