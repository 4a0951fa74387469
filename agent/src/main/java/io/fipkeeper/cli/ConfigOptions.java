package io.fipkeeper.cli;

import io.fipkeeper.config.ConfigException;
import io.fipkeeper.config.ConfigLoader;
import io.fipkeeper.config.LoadedConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The options every configuration-reading subcommand shares: {@code --config}, {@code --debug} and one
 * override flag per overridable setting (the list comes from {@link ConfigLoader#overridableFlags()}, so flags
 * and docs can't drift apart).
 */
final class ConfigOptions {
  static final Path DEFAULT_CONFIG = Path.of("/etc/fipkeeper/config.yaml");

  private ConfigOptions() {}

  /** Adds {@code --config}, {@code --debug} and the override flags to a command. */
  static void addTo(CommandSpec spec) {
    spec.addOption(OptionSpec.builder("--config", "-c").paramLabel("FILE").type(Path.class)
        .description("YAML configuration file (default: " + DEFAULT_CONFIG + " when it exists)").build());
    spec.addOption(OptionSpec.builder("--debug").type(boolean.class)
        .description("print stack traces and log at debug level").build());
    ConfigLoader.overridableFlags().forEach((flag, key) -> spec.addOption(OptionSpec.builder(flag)
        .paramLabel("VALUE").type(String.class).description("overrides " + key).build()));
  }

  static boolean debug(CommandSpec spec) {
    Boolean debug = spec.findOption("--debug").getValue();
    return debug != null && debug;
  }

  /**
   * Loads the configuration; on problems prints them, one per line, and returns empty (exit code 2).
   */
  static Optional<LoadedConfig> load(CommandSpec spec, Map<String, String> env) {
    Path explicit = spec.findOption("--config").getValue();
    Optional<Path> file = explicit != null ? Optional.of(explicit)
        : Files.exists(DEFAULT_CONFIG) ? Optional.of(DEFAULT_CONFIG) : Optional.empty();
    Map<String, String> overrides = new LinkedHashMap<>();
    for (String flag : ConfigLoader.overridableFlags().keySet()) {
      String value = spec.findOption(flag).getValue();
      if (value != null) {
        overrides.put(flag, value);
      }
    }
    if (debug(spec) && !overrides.containsKey("--log-level")) {
      overrides.put("--log-level", "debug");
    }
    try {
      return Optional.of(ConfigLoader.loadWithOrigins(file, env, overrides));
    } catch (ConfigException e) {
      PrintWriter err = spec.commandLine().getErr();
      err.println("fipkeeper: invalid configuration:");
      e.problems().forEach(p -> err.println("  " + p));
      err.flush();
      return Optional.empty();
    }
  }
}
