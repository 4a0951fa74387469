package io.fipkeeper.cli;

import io.fipkeeper.talos.TalosPatch;
import io.fipkeeper.talos.TalosPatchOutput;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fipkeeper talos-patch}: prints (or writes) the Talos machine-config patch for fipkeeper's floating IPs.
 * Exit code 0 on success; 2 with one plain line per problem on standard error for bad input.
 */
@Command(
    name = "talos-patch",
    mixinStandardHelpOptions = true,
    description = {
        "Print the Talos machine-config patch that makes the floating IP (or its DNS name) the Kubernetes API",
        "endpoint, adds it to the certificate SANs and keeps it out of the node IP and etcd address choices.",
        "The patch has two parts: --for cluster (every node) and --for control-planes; --output-dir DIR writes",
        "both as DIR/cluster/" + TalosPatchOutput.FILE_NAME + " and DIR/control-planes/" + TalosPatchOutput.FILE_NAME + " (ksail's layout).",
        "Apply with: talosctl patch machineconfig --patch @cluster.yaml --patch @control-planes.yaml -n <control plane>"})
public final class TalosPatchCommand implements Callable<Integer> {
  static final int EXIT_OK = 0;
  static final int EXIT_USAGE = 2;

  @Spec
  CommandSpec spec;

  // validated by TalosPatch rather than by picocli, so every mistake is reported as one line with exit code 2
  @Option(names = "--floating-ip", paramLabel = "IP", description = "a floating IP (IPv4 or IPv6); repeat for each")
  List<String> floatingIps;

  @Option(names = "--dns", paramLabel = "NAME", description = "DNS name of the endpoint (optional, recommended)")
  String dns;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "6443", description = "apiserver port (default: ${DEFAULT-VALUE})")
  String port;

  @Option(names = "--talos-version", paramLabel = "VERSION", defaultValue = "1.14",
      description = "1.12, 1.13 or 1.14: the Talos version the machine config was generated for (default: ${DEFAULT-VALUE})")
  String talosVersion;

  @Option(names = "--old-endpoint", paramLabel = "URL",
      description = "the current service-account issuer (the old endpoint URL): kept, so existing tokens stay valid")
  String oldEndpoint;

  @Option(names = "--node-subnet", paramLabel = "CIDR",
      description = "subnet the node IP comes from, e.g. your private network; repeatable (default: 0.0.0.0/0; required with an IPv6 floating IP)")
  List<String> nodeSubnets;

  @Option(names = "--etcd-subnet", paramLabel = "CIDR", description = "subnet etcd advertises; repeatable (default: --node-subnet)")
  List<String> etcdSubnets;

  @Option(names = "--inline-manifest", paramLabel = "FILE",
      description = "manifests for Talos to create at bootstrap (e.g. helm template output), in the control-planes part")
  Path inlineManifest;

  @Option(names = "--for", paramLabel = "PART", description = "cluster or control-planes: the part to print")
  String part;

  @Option(names = "--output-dir", paramLabel = "DIR", description = "write both parts below DIR instead of printing one")
  Path outputDir;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    try {
      TalosPatch.Builder patch = TalosPatch.builder().talosVersion(talosVersion).floatingIps(floatingIps).dns(dns)
          .port(port).oldEndpoint(oldEndpoint).nodeSubnets(nodeSubnets).etcdSubnets(etcdSubnets);
      TalosPatchOutput.write(part, outputDir, inlineManifest, patch, spec.commandLine().getOut(), err);
      return EXIT_OK;
    } catch (IllegalArgumentException e) {
      e.getMessage().lines().forEach(line -> err.println("talos-patch: " + line));
      err.flush();
      return EXIT_USAGE;
    }
  }
}
