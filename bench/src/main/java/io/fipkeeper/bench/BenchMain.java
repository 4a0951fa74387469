package io.fipkeeper.bench;

import io.fipkeeper.bench.chaos.ChaosCommand;
import io.fipkeeper.bench.perf.FailoverBenchmark;
import io.fipkeeper.bench.report.ReportWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Entry point of the bench jar: {@code demo}, {@code chaos}, {@code bench-failover} and {@code report}, all on one testbed.
 * Testbed failures print one line and exit 1; bad usage, or the namespace testbed without root, exits 2.
 */
@Command(name = "fipkeeper-bench", mixinStandardHelpOptions = true,
    description = "Runs fipkeeper agents against real etcd and the Hetzner simulator on emulated hosts.",
    subcommands = {Demo.class, ChaosCommand.class, FailoverBenchmark.class, ReportWriter.class})
public final class BenchMain implements Runnable {
  @Spec
  CommandSpec spec;

  private BenchMain() {}

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String... args) {
    CommandLine cli = new CommandLine(new BenchMain());
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof NotRootException) {
        cmd.getErr().println("error: " + e.getMessage());
        return 2;
      }
      if (e instanceof TestbedException) {
        cmd.getErr().println("error: " + e.getMessage());
        return 1;
      }
      throw e;
    });
    return cli.execute(args);
  }
}
