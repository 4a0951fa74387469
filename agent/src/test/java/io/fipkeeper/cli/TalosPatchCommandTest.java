package io.fipkeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fipkeeper.talos.TalosPatchTest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line of {@code fipkeeper talos-patch}: parts, ksail's folder layout, one-line errors. */
class TalosPatchCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @TempDir Path dir;

  private int run(String... args) {
    return new CommandLine(new TalosPatchCommand())
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute(args);
  }

  @Test
  void printsThePartAskedForAndExitsZero() throws Exception {
    int code = run("--talos-version", "1.13", "--for", "control-planes", "--floating-ip", "203.0.113.10",
        "--floating-ip", "2001:db8::10", "--dns", "k8s.example.com", "--old-endpoint", "https://198.51.100.1:6443",
        "--node-subnet", "10.0.0.0/16");

    assertThat(code).isZero();
    assertThat(out.toString()).isEqualTo(TalosPatchTest.golden("v1.13-control-planes.yaml"));
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void defaultsToTheNewestForm() {
    assertThat(run("--for", "cluster", "--floating-ip=2001:db8::10", "--node-subnet", "::/0", "--port", "443")).isZero();
    assertThat(out.toString()).contains("kind: KubeClusterConfig", "endpoint: \"https://[2001:db8::10]:443\"");
  }

  @Test
  void writesBothPartsInKsailsFolders() throws Exception {
    Path talos = dir.resolve("talos");
    Path manifest = Files.writeString(dir.resolve("fipkeeper.yaml"), "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: fipkeeper\n");

    int code = run("--talos-version", "1.12", "--output-dir", talos.toString(), "--floating-ip", "203.0.113.10",
        "--inline-manifest", manifest.toString());

    assertThat(code).isZero();
    assertThat(Files.readString(talos.resolve("cluster/fipkeeper-endpoint.yaml"))).contains("controlPlane:", "endpoint:")
        .doesNotContain("certSANs");
    assertThat(Files.readString(talos.resolve("control-planes/fipkeeper-endpoint.yaml")))
        .contains("certSANs:", "validSubnets:", "inlineManifests:", "kind: ServiceAccount").doesNotContain("controlPlane:");
    assertThat(err.toString()).contains("talos-patch: wrote " + talos.resolve("cluster/fipkeeper-endpoint.yaml"));
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void reportsEachProblemOnItsOwnLineAndExitsTwo() {
    int code = run("--floating-ip", "203.0.113.256", "--dns", "k8s_api.example.com");

    assertThat(code).isEqualTo(2);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString().lines()).containsExactly(
        "talos-patch: choose the part with --for cluster|control-planes, or --output-dir DIR to write both",
        "talos-patch: invalid --floating-ip '203.0.113.256': octet 256 is above 255",
        "talos-patch: invalid --dns 'k8s_api.example.com': label 'k8s_api' must be 1-63 letters, digits or hyphens,"
            + " not starting or ending with a hyphen");
  }

  @Test
  void refusesBothPartSelectorsAndAnUnknownPart() {
    assertThat(run("--for", "workers", "--floating-ip", "203.0.113.10")).isEqualTo(2);
    assertThat(err.toString().strip()).isEqualTo("talos-patch: invalid --for 'workers': must be cluster or control-planes");

    err.getBuffer().setLength(0);
    assertThat(run("--for", "cluster", "--output-dir", dir.toString(), "--floating-ip", "203.0.113.10")).isEqualTo(2);
    assertThat(err.toString().strip()).isEqualTo("talos-patch: --for cannot be combined with --output-dir, which writes both parts");
  }

  @Test
  void namesAnUnreadableInlineManifest() {
    assertThat(run("--for", "control-planes", "--floating-ip", "203.0.113.10", "--inline-manifest", dir.resolve("nope.yaml").toString()))
        .isEqualTo(2);
    assertThat(err.toString().strip()).isEqualTo("talos-patch: --inline-manifest: cannot read " + dir.resolve("nope.yaml")
        + " (NoSuchFileException)");
  }
}
