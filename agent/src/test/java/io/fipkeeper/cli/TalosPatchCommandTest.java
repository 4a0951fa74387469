package io.fipkeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fipkeeper.talos.TalosPatchTest;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class TalosPatchCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return new CommandLine(new TalosPatchCommand())
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute(args);
  }

  @Test
  void printsThePatchAndExitsZero() throws Exception {
    int code = run("--floating-ip", "203.0.113.10", "--dns", "k8s.example.com");

    assertThat(code).isZero();
    assertThat(out.toString()).isEqualTo(TalosPatchTest.golden("ipv4-dns.yaml"));
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void honoursThePortOption() {
    int code = run("--floating-ip=2001:db8::10", "--port", "443");

    assertThat(code).isZero();
    assertThat(out.toString()).contains("endpoint: \"https://[2001:db8::10]:443\"");
  }

  @Test
  void reportsAnInvalidIpAsOneLineAndExitsTwo() {
    int code = run("--floating-ip", "203.0.113.256");

    assertThat(code).isEqualTo(2);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString()).isEqualTo("talos-patch: invalid --floating-ip '203.0.113.256': octet 256 is above 255" + System.lineSeparator());
  }

  @Test
  void reportsAnInvalidDnsNameAsOneLineAndExitsTwo() {
    int code = run("--floating-ip", "203.0.113.10", "--dns", "k8s_api.example.com");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString().strip()).startsWith("talos-patch: invalid --dns 'k8s_api.example.com'").doesNotContain("\n");
  }

  @Test
  void reportsAMissingFloatingIpAndABadPortAsOneLine() {
    assertThat(run()).isEqualTo(2);
    assertThat(err.toString().strip()).isEqualTo("talos-patch: --floating-ip is required (an IPv4 or IPv6 address)");

    err.getBuffer().setLength(0);
    assertThat(run("--floating-ip", "203.0.113.10", "--port", "https")).isEqualTo(2);
    assertThat(err.toString().strip()).isEqualTo("talos-patch: invalid --port 'https': must be a number between 1 and 65535");
  }
}
