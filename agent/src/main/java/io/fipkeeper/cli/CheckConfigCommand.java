package io.fipkeeper.cli;

import io.fipkeeper.config.EffectiveConfigPrinter;
import io.fipkeeper.config.LoadedConfig;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code fipkeeper check-config}: validate without connecting to anything and print the effective
 * configuration (token redacted). Exit 0 when valid, 2 when not.
 */
@Command(name = "check-config", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
    description = "Validate the configuration and print the effective values.")
final class CheckConfigCommand implements Callable<Integer> {
  private final Map<String, String> env;

  @Spec CommandSpec spec;

  CheckConfigCommand(Map<String, String> env) {
    this.env = env;
  }

  @Override
  public Integer call() {
    Optional<LoadedConfig> loaded = ConfigOptions.load(spec, env);
    if (loaded.isEmpty()) {
      return Cli.CONFIG_ERROR;
    }
    spec.commandLine().getOut().print(EffectiveConfigPrinter.render(loaded.get()));
    spec.commandLine().getOut().flush();
    return Cli.OK;
  }
}
