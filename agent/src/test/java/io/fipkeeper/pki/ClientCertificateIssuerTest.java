package io.fipkeeper.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Certificates from CAs of every key type a cluster might have, checked by the JDK's own X.509 parser. */
class ClientCertificateIssuerTest {
  private static final X500Principal SUBJECT = new X500Principal("CN=fipkeeper,O=fipkeeper");

  @TempDir Path dir;
  private final ClientCertificateIssuer issuer = new ClientCertificateIssuer(new SecureRandom());

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "ec-p256, ec:-pkeyopt ec_paramgen_curve:P-256, SHA256withECDSA",
      "ec-p384, ec:-pkeyopt ec_paramgen_curve:P-384, SHA384withECDSA",
      "rsa, rsa:-pkeyopt rsa_keygen_bits:2048, SHA256withRSA",
      "ed25519, ed25519, Ed25519"})
  void issuesFromACaOfEveryKeyType(String name, String keySpec, String signatureAlgorithm) throws Exception {
    X509Certificate ca = ca(name, keySpec, "critical,keyCertSign,digitalSignature", "critical,CA:TRUE");
    Instant now = Instant.now();

    IssuedCertificate issued = issuer.issue(ca, key(name), SUBJECT, now, now.plus(Duration.ofDays(1)));

    issued.certificate().verify(ca.getPublicKey());
    assertThat(issued.certificate().getSigAlgName()).isEqualToIgnoringCase(signatureAlgorithm);
    assertThat(issued.certificate().getSubjectX500Principal()).isEqualTo(SUBJECT);
    assertThat(issued.certificate().getVersion()).isEqualTo(3);
    assertThat(issued.certificate().getCriticalExtensionOIDs()).containsExactlyInAnyOrder("2.5.29.19", "2.5.29.15");
    assertThat(Pem.privateKey("issued", issued.keyPem()).getAlgorithm()).isEqualTo("EC");
    assertThat(issued.toString()).doesNotContain("PRIVATE").contains("<redacted>");
  }

  @Test
  void refusesACertificateThatIsNotACa() throws Exception {
    X509Certificate leaf = ca("leaf", "ec:-pkeyopt ec_paramgen_curve:P-256", "critical,digitalSignature", "critical,CA:FALSE");

    assertThatThrownBy(() -> issuer.issue(leaf, key("leaf"), SUBJECT, Instant.now(), Instant.now().plusSeconds(3600)))
        .hasMessage("the certificate is not a CA (no basicConstraints CA:TRUE)");
  }

  @Test
  void refusesACaThatMayNotSignCertificates() throws Exception {
    X509Certificate ca = ca("nosign", "ec:-pkeyopt ec_paramgen_curve:P-256", "critical,digitalSignature", "critical,CA:TRUE");

    assertThatThrownBy(() -> issuer.issue(ca, key("nosign"), SUBJECT, Instant.now(), Instant.now().plusSeconds(3600)))
        .hasMessage("the CA certificate may not sign certificates (keyUsage lacks keyCertSign)");
  }

  @Test
  void encodesOidsAndTimesAsDerRequires() {
    assertThat(HexFormat.of().formatHex(Der.oid("1.2.840.10045.4.3.2"))).isEqualTo("06082a8648ce3d040302");
    assertThat(HexFormat.of().formatHex(Der.oid("2.5.29.37"))).isEqualTo("0603551d25");
    assertThat(new String(Der.time(Instant.parse("2049-12-31T23:59:59Z")), StandardCharsets.US_ASCII)).endsWith("491231235959Z");
    assertThat(Der.time(Instant.parse("2049-12-31T23:59:59Z"))[0]).as("UTCTime").isEqualTo((byte) 0x17);
    assertThat(Der.time(Instant.parse("2050-01-01T00:00:00Z"))[0]).as("GeneralizedTime").isEqualTo((byte) 0x18);
    assertThat(HexFormat.of().formatHex(Der.tlv(0x04, new byte[200])).substring(0, 6)).isEqualTo("0481c8");
  }

  private X509Certificate ca(String name, String keySpec, String keyUsage, String basicConstraints) throws Exception {
    String[] spec = keySpec.split(":", 2);
    List<String> args = new ArrayList<>(List.of("openssl", "req", "-x509", "-newkey", spec[0]));
    if (spec.length > 1) {
      args.addAll(List.of(spec[1].split(" ")));
    }
    args.addAll(List.of("-nodes", "-keyout", name + ".key", "-out", name + ".crt", "-days", "2", "-subj", "/O=test-" + name,
        "-addext", "basicConstraints=" + basicConstraints, "-addext", "keyUsage=" + keyUsage));
    Process p = new ProcessBuilder(args).directory(dir.toFile()).redirectErrorStream(true).start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
    return Pem.certificates(name, Files.readAllBytes(dir.resolve(name + ".crt")))[0];
  }

  private java.security.PrivateKey key(String name) throws IOException {
    return Pem.privateKey(name, Files.readString(dir.resolve(name + ".key")));
  }
}
