package io.fipkeeper.cli;

import io.fipkeeper.config.LoadedConfig;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fipkeeper status}: show the local agent's state (leader, term, floating IP). */
@Command(name = "status", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
    description = "Show the status of the agent on this node.")
final class StatusCommand implements Callable<Integer> {
  private final Map<String, String> env;
  private final Launcher launcher;

  @Spec CommandSpec spec;

  @Option(names = "--json", description = "print JSON instead of text")
  boolean json;

  StatusCommand(Map<String, String> env, Launcher launcher) {
    this.env = env;
    this.launcher = launcher;
  }

  @Override
  public Integer call() {
    Optional<LoadedConfig> loaded = ConfigOptions.load(spec, env);
    if (loaded.isEmpty()) {
      return Cli.CONFIG_ERROR;
    }
    return launcher.status(loaded.get().config(), json);
  }
}
