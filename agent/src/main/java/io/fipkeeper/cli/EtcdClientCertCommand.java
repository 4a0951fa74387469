package io.fipkeeper.cli;

import io.fipkeeper.talos.EtcdClientCertificate;
import io.fipkeeper.talos.EtcdClientSecret;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fipkeeper etcd-client-cert}: issues the agent's etcd client certificate from the etcd CA in a Talos machine
 * config or secrets bundle and prints the Secret manifest the chart mounts. Exit 0; 2 with one line per problem.
 */
@Command(
    name = "etcd-client-cert",
    mixinStandardHelpOptions = true,
    description = {
        "Issue fipkeeper's etcd client certificate from the etcd CA of a Talos cluster and print it as a Kubernetes",
        "Secret (keys ca.crt, tls.crt, tls.key; chart value etcd.existingSecret). Reads `talosctl get machineconfig",
        "-o yaml` output, a control-plane machine config (controlplane.yaml) or a `talosctl gen secrets` bundle.",
        "Example: talosctl -n <cp> get machineconfig -o yaml | fipkeeper etcd-client-cert --from - | kubectl apply -f -"})
public final class EtcdClientCertCommand implements Callable<Integer> {
  private final Clock clock;
  private final InputStream stdin;

  @Spec
  CommandSpec spec;

  @Option(names = "--from", paramLabel = "FILE", description = "machine config or secrets bundle; '-' reads standard input")
  String from;

  @Option(names = "--name", paramLabel = "NAME", defaultValue = EtcdClientSecret.DEFAULT_NAME,
      description = "Secret name (default: ${DEFAULT-VALUE})")
  String name;

  @Option(names = "--namespace", paramLabel = "NS", defaultValue = EtcdClientSecret.DEFAULT_NAMESPACE,
      description = "namespace of the chart (default: ${DEFAULT-VALUE})")
  String namespace;

  @Option(names = "--validity", paramLabel = "DURATION", defaultValue = "365d",
      description = "certificate lifetime in days or hours, e.g. 365d, 720h (default: ${DEFAULT-VALUE})")
  String validity;

  @Option(names = "--common-name", paramLabel = "CN", defaultValue = "fipkeeper",
      description = "certificate subject CN, shown in etcd's logs (default: ${DEFAULT-VALUE})")
  String commonName;

  @Option(names = "--output", paramLabel = "FILE",
      description = "write the manifest to a new file readable only by you, instead of standard output")
  Path output;

  public EtcdClientCertCommand() {
    this(Clock.systemUTC(), System.in);
  }

  EtcdClientCertCommand(Clock clock, InputStream stdin) {
    this.clock = clock;
    this.stdin = stdin;
  }

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    try {
      if (from == null || from.isBlank()) {
        throw new IllegalArgumentException("--from is required: a Talos machine config, `talosctl get machineconfig -o"
            + " yaml` output or a `talosctl gen secrets` bundle ('-' for standard input)");
      }
      String source = from.equals("-") ? "standard input" : from;
      EtcdClientCertificate.Result result = new EtcdClientCertificate(clock, new SecureRandom())
          .issue(source, readInput(), name, namespace, validity, commonName);
      write(result.manifest());
      err.println("etcd-client-cert: " + result.summary());
      err.flush();
      return Cli.OK;
    } catch (IllegalArgumentException e) {
      err.println("etcd-client-cert: " + e.getMessage());
      err.flush();
      return Cli.CONFIG_ERROR;
    }
  }

  private String readInput() {
    try {
      byte[] bytes = from.equals("-") ? stdin.readAllBytes() : Files.readAllBytes(Path.of(from));
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + (from.equals("-") ? "standard input" : from) + " ("
          + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
    }
  }

  /** To a new owner-only file (never over an existing one: it may be someone's key), or to standard output. */
  private void write(String manifest) {
    if (output == null) {
      PrintWriter out = spec.commandLine().getOut();
      out.print(manifest);
      out.flush();
      return;
    }
    try {
      Files.createFile(output, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(output, manifest, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
    } catch (FileAlreadyExistsException e) {
      throw new IllegalArgumentException("--output " + output + " already exists; remove it or choose another file", e);
    } catch (IOException | UnsupportedOperationException e) {
      throw new IllegalArgumentException("cannot write --output " + output + " (" + e.getMessage() + ")", e);
    }
  }
}
