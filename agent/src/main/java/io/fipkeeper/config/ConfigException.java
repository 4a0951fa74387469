package io.fipkeeper.config;

import java.util.List;

/**
 * The configuration is invalid. Carries every problem found (never just the first), one plain line each, in the
 * form {@code SOURCE_KEY: rule, got "value"}; the secret token value never appears in a problem.
 */
public final class ConfigException extends Exception {
  private final List<String> problems;

  public ConfigException(List<String> problems) {
    super(String.join("\n", problems));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a ConfigException needs at least one problem");
    }
    this.problems = List.copyOf(problems);
  }

  /** One line per problem, in the order the settings are listed in docs/configuration.md. */
  public List<String> problems() {
    return problems;
  }
}
