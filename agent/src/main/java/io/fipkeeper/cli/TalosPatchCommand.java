package io.fipkeeper.cli;

import io.fipkeeper.talos.TalosPatch;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fipkeeper talos-patch}: prints the Talos machine-config patch for a floating IP to standard output.
 * Exit code 0 on success; 2 with one plain line on standard error for bad input.
 */
@Command(
    name = "talos-patch",
    mixinStandardHelpOptions = true,
    description = {
        "Print the Talos machine-config patch that makes the floating IP (or its DNS name) the Kubernetes API",
        "endpoint and adds both to the apiserver and machine certificate SANs.",
        "Apply it with: talosctl patch machineconfig --patch @patch.yaml -n <control-plane node>"})
public final class TalosPatchCommand implements Callable<Integer> {
  static final int EXIT_OK = 0;
  static final int EXIT_USAGE = 2;

  @Spec
  CommandSpec spec;

  // validated here rather than by picocli, so every mistake is reported as one line with exit code 2
  @Option(names = "--floating-ip", paramLabel = "IP", description = "the floating IP (IPv4 or IPv6 address)")
  String floatingIp;

  @Option(names = "--dns", paramLabel = "NAME", description = "DNS name of the endpoint (optional, recommended)")
  String dns;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "6443", description = "apiserver port (default: ${DEFAULT-VALUE})")
  String port;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      TalosPatch patch = TalosPatch.of(floatingIp, dns, parsePort(port));
      out.print(patch.toYaml());
      out.flush();
      return EXIT_OK;
    } catch (IllegalArgumentException e) {
      err.println("talos-patch: " + e.getMessage());
      err.flush();
      return EXIT_USAGE;
    }
  }

  private static int parsePort(String text) {
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException | NullPointerException e) {
      throw new IllegalArgumentException("invalid --port '" + text + "': must be a number between 1 and 65535");
    }
  }
}
