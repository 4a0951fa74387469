package io.fipkeeper.cli;

import io.fipkeeper.cli.TalosPatchCommand;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Builds the picocli command tree and maps failures to exit codes: usage errors 2 (picocli's default),
 * configuration errors 2, unexpected exceptions 1 with a one-line message (the stack trace only with
 * {@code --debug}).
 */
@Command(name = "fipkeeper", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
    description = "Keeps a Hetzner Cloud floating IP on a healthy control-plane node (etcd lease election).",
    subcommands = CommandLine.HelpCommand.class)
public final class Cli implements Callable<Integer> {
  public static final int OK = 0;
  public static final int RUNTIME_FAILURE = 1;
  public static final int CONFIG_ERROR = 2;

  @Spec CommandSpec spec;

  private Cli() {}

  /** The command line, ready to {@code execute(args)}. */
  public static CommandLine create(Map<String, String> env, Launcher launcher, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new Cli());
    cli.addSubcommand(withConfigOptions(new CommandLine(new RunCommand(env, launcher))));
    cli.addSubcommand(withConfigOptions(new CommandLine(new CheckConfigCommand(env))));
    cli.addSubcommand(withConfigOptions(new CommandLine(new StatusCommand(env, launcher))));
    cli.addSubcommand(new CommandLine(new VersionCommand()));
    cli.addSubcommand(new CommandLine(new TalosPatchCommand()));
    cli.addSubcommand(new CommandLine(new EtcdClientCertCommand()));
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      boolean debug = parseResult.subcommand() != null && parseResult.subcommand().hasMatchedOption("--debug");
      commandLine.getErr().println("fipkeeper: error: " + oneLine(e));
      if (debug) {
        e.printStackTrace(commandLine.getErr());
      }
      commandLine.getErr().flush();
      return RUNTIME_FAILURE;
    });
    return cli;
  }

  private static CommandLine withConfigOptions(CommandLine command) {
    ConfigOptions.addTo(command.getCommandSpec());
    return command;
  }

  @Override
  public Integer call() {
    spec.commandLine().getErr().println("fipkeeper: missing command");
    spec.commandLine().usage(spec.commandLine().getErr());
    return CONFIG_ERROR;
  }

  private static String oneLine(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return message.replace('\n', ' ');
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"fipkeeper " + BuildInfo.version()};
    }
  }
}
