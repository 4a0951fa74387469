package io.fipkeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fipkeeper.testing.TalosEtcdPki;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line of {@code fipkeeper etcd-client-cert}: input from a file or a pipe, output, exit codes. */
class EtcdClientCertCommandTest {
  private static TalosEtcdPki pki;

  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeAll
  static void makeCa() {
    pki = TalosEtcdPki.generate();
  }

  @AfterAll
  static void deleteCa() {
    pki.delete();
  }

  private int run(String stdin, String... args) {
    EtcdClientCertCommand command = new EtcdClientCertCommand(Clock.systemUTC(),
        new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    return new CommandLine(command).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
  }

  @Test
  void readsTalosctlOutputFromAPipeAndPrintsTheSecret() {
    int code = run(pki.resourceYaml(), "--from", "-");

    assertThat(code).isZero();
    assertThat(out.toString()).contains("kind: Secret", "name: fipkeeper-etcd-client", "namespace: kube-system",
        "type: kubernetes.io/tls", "  tls.key: ");
    assertThat(err.toString().strip()).startsWith("etcd-client-cert: issued CN=fipkeeper valid until ")
        .contains("from the etcd CA in standard input (node 198.51.100.1)").doesNotContain("\n").doesNotContain("PRIVATE");
  }

  @Test
  void writesAnOwnerOnlyFileAndNeverOverwritesOne() throws Exception {
    Path config = Files.writeString(dir.resolve("controlplane.yaml"), pki.machineConfig("controlplane"));
    Path target = dir.resolve("secret.yaml");

    assertThat(run("", "--from", config.toString(), "--output", target.toString(), "--namespace", "platform")).isZero();
    assertThat(out.toString()).isEmpty();
    assertThat(Files.readString(target)).contains("namespace: platform", "tls.crt: ");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rw-------");

    String before = Files.readString(target);
    assertThat(run("", "--from", config.toString(), "--output", target.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("etcd-client-cert: --output " + target + " already exists");
    assertThat(Files.readString(target)).isEqualTo(before);
  }

  @Test
  void reportsEachMistakeAsOneLineWithExitCodeTwo() {
    assertThat(run("")).isEqualTo(2);
    assertThat(lastLine()).startsWith("etcd-client-cert: --from is required");

    assertThat(run("", "--from", dir.resolve("missing.yaml").toString())).isEqualTo(2);
    assertThat(lastLine()).startsWith("etcd-client-cert: cannot read " + dir.resolve("missing.yaml") + " (NoSuchFileException");

    assertThat(run(pki.machineConfig("worker"), "--from", "-")).isEqualTo(2);
    assertThat(lastLine()).startsWith("etcd-client-cert: standard input: this is a worker's machine config");

    assertThat(run(pki.secretsBundle(), "--from", "-", "--validity", "forever")).isEqualTo(2);
    assertThat(lastLine()).startsWith("etcd-client-cert: invalid --validity 'forever'");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void isRegisteredInTheFipkeeperCommand() {
    CommandLine cli = Cli.create(java.util.Map.of(), null, new PrintWriter(out, true), new PrintWriter(err, true));

    assertThat(cli.getSubcommands()).containsKey("etcd-client-cert");
  }

  private String lastLine() {
    String[] lines = err.toString().strip().split("\n");
    err.getBuffer().setLength(0);
    return lines[lines.length - 1];
  }
}
