package io.fipkeeper.cli;

import io.fipkeeper.config.LoadedConfig;
import io.fipkeeper.config.LogSettings;
import io.fipkeeper.logging.LogSetup;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code fipkeeper run}: validate the configuration, set up logging, then run the agent until it stops. */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
    description = "Run the agent (elect a leader, keep the floating IP on it).")
final class RunCommand implements Callable<Integer> {
  private final Map<String, String> env;
  private final Launcher launcher;

  @Spec CommandSpec spec;

  RunCommand(Map<String, String> env, Launcher launcher) {
    this.env = env;
    this.launcher = launcher;
  }

  @Override
  public Integer call() {
    Optional<LoadedConfig> loaded = ConfigOptions.load(spec, env);
    if (loaded.isEmpty()) {
      return Cli.CONFIG_ERROR;
    }
    LogSettings log = loaded.get().config().log();
    LogSetup.configure(log.format().name().toLowerCase(Locale.ROOT), log.level());
    return launcher.run(loaded.get().config());
  }
}
