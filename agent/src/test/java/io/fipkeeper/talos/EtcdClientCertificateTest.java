package io.fipkeeper.talos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fipkeeper.pki.Pem;
import io.fipkeeper.testing.TalosEtcdPki;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code fipkeeper etcd-client-cert} without the command line, against a CA made the way Talos makes its etcd CA
 * ({@link TalosEtcdPki}: ECDSA P-256, SEC1 key, O=etcd) and embedded in the three inputs Talos produces:
 * {@code talosctl get machineconfig -o yaml} (spec as one string: pkg/machinery/resources/config/machine_config.go,
 * v1.13.9), a multi-document controlplane.yaml (cluster.etcd.ca: v1alpha1_types.go EtcdConfig, v1.12.11–v1.14.0-rc.1)
 * and a secrets bundle (certs.etcd: pkg/machinery/config/generate/secrets/secrets.go and testdata/secrets.yaml,
 * v1.13.9).
 */
class EtcdClientCertificateTest {
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final Instant NOW = Instant.now().plus(Duration.ofMinutes(10));
  private static TalosEtcdPki pki;

  private final EtcdClientCertificate issuer =
      new EtcdClientCertificate(Clock.fixed(NOW, ZoneOffset.UTC), new SecureRandom());

  @BeforeAll
  static void makeCa() {
    pki = TalosEtcdPki.generate();
  }

  @AfterAll
  static void deleteCa() {
    pki.delete();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"controlplane.yaml", "talosctl get machineconfig -o yaml", "secrets bundle"})
  void issuesAClientCertificateSignedByTheEtcdCaFromEveryTalosForm(String form) throws Exception {
    String input = switch (form) {
      case "controlplane.yaml" -> pki.machineConfig("controlplane");
      case "secrets bundle" -> pki.secretsBundle();
      default -> pki.resourceYaml();
    };

    JsonNode secret = secret(issuer.issue(form, input, "fipkeeper-etcd-client", "kube-system", "365d", "fipkeeper"));
    X509Certificate ca = Pem.certificates("ca", Files.readAllBytes(pki.ca()))[0];
    X509Certificate cert = Pem.certificates("tls.crt", data(secret, "tls.crt"))[0];

    cert.verify(ca.getPublicKey());
    assertThat(cert.getIssuerX500Principal()).isEqualTo(ca.getSubjectX500Principal());
    assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=fipkeeper,O=fipkeeper");
    assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
    assertThat(cert.getBasicConstraints()).isEqualTo(-1);
    assertThat(cert.getKeyUsage()[0]).as("digitalSignature").isTrue();
    assertThat(cert.getNotAfter().toInstant()).isEqualTo(NOW.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).plus(Duration.ofDays(365)));
    assertThat(cert.getNotBefore().toInstant()).isBefore(NOW);
    assertThat(Pem.certificates("ca.crt", data(secret, "ca.crt"))[0]).isEqualTo(ca);
    var key = Pem.privateKey("tls.key", new String(data(secret, "tls.key"), StandardCharsets.US_ASCII));
    assertThat(key).isInstanceOf(ECPrivateKey.class);
    assertThat(new String(data(secret, "tls.key"), StandardCharsets.US_ASCII)).startsWith("-----BEGIN PRIVATE KEY-----");
  }

  @Test
  void readsTalosctlJsonOutputToo() throws Exception {
    String json = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(YAML.readTree(pki.resourceYaml()));

    JsonNode secret = secret(issuer.issue("mc.json", json, "fipkeeper-etcd-client", "kube-system", "30d", "fipkeeper"));

    assertThat(Pem.certificates("tls.crt", data(secret, "tls.crt"))[0].getSubjectX500Principal().getName())
        .isEqualTo("CN=fipkeeper,O=fipkeeper");
  }

  @Test
  void rendersTheSecretTheChartMounts() throws Exception {
    JsonNode secret = secret(issuer.issue("cp.yaml", pki.machineConfig("controlplane"), "etcd-client", "platform", "30d", "agent"));

    assertThat(secret.path("apiVersion").asText()).isEqualTo("v1");
    assertThat(secret.path("kind").asText()).isEqualTo("Secret");
    assertThat(secret.path("type").asText()).isEqualTo("kubernetes.io/tls");
    assertThat(secret.path("metadata").path("name").asText()).isEqualTo("etcd-client");
    assertThat(secret.path("metadata").path("namespace").asText()).isEqualTo("platform");
    // helm/fipkeeper/templates/daemonset.yaml projects exactly these three keys of etcd.existingSecret
    assertThat(names(secret.path("data"))).containsExactly("ca.crt", "tls.crt", "tls.key");
    assertThat(secret.path("metadata").path("annotations").path("fipkeeper.io/certificate-not-after").asText())
        .startsWith(NOW.plus(Duration.ofDays(30)).toString().substring(0, 10));
  }

  @Test
  void summarySaysWhatWasIssuedWithoutKeyMaterial() {
    EtcdClientCertificate.Result result =
        issuer.issue("cp.yaml", pki.machineConfig("controlplane"), "fipkeeper-etcd-client", "kube-system", "365d", "fipkeeper");

    assertThat(result.summary()).contains("CN=fipkeeper", "cp.yaml", "cluster.etcd.ca", "O=etcd", "kube-system/fipkeeper-etcd-client")
        .doesNotContain("PRIVATE", "\n");
    assertThat(result.toString()).doesNotContain("PRIVATE KEY", result.manifest());
  }

  @Test
  void refusesAWorkerConfig() {
    String worker = pki.machineConfig("worker").replaceAll("(?s)  etcd:.*?---", "---");

    assertThatThrownBy(() -> issue(worker)).hasMessage("w.yaml: this is a worker's machine config (machine.type: worker),"
        + " which has no etcd CA; use a control-plane node's config or the secrets bundle");
  }

  @Test
  void refusesAControlPlaneConfigWithoutAnEtcdCa() {
    String noCa = pki.machineConfig("controlplane").replaceAll("(?s)  etcd:.*?---", "---");

    assertThatThrownBy(() -> issue(noCa)).hasMessageStartingWith("w.yaml: the machine config has no cluster.etcd.ca (machine.type: controlplane)");
  }

  @Test
  void refusesAFileThatIsNoTalosConfig() {
    String kubeconfig = "apiVersion: v1\nkind: Config\nclusters:\n- name: prod\n  cluster:\n    server: https://203.0.113.10:6443\n";

    assertThatThrownBy(() -> issue(kubeconfig)).hasMessageStartingWith("w.yaml: neither a Talos machine config");
    assertThatThrownBy(() -> issue("")).hasMessageStartingWith("w.yaml: empty");
    assertThatThrownBy(() -> issue("key: [unclosed\n")).hasMessageStartingWith("w.yaml: not YAML").hasMessageNotContaining("\n");
  }

  @Test
  void namesAnUnreadableOrRedactedKeyWithoutPrintingIt() {
    String config = pki.machineConfig("controlplane");
    String caKeyLine = config.lines().filter(l -> l.startsWith("      key: ")).findFirst().orElseThrow();
    String garbage = config.replace(caKeyLine, "      key: " + Base64.getEncoder().encodeToString("hello".getBytes()));
    String redacted = config.replace(caKeyLine, "      key: '******'");
    String missing = config.replace(caKeyLine + "\n", "");

    assertThatThrownBy(() -> issue(garbage)).hasMessage("w.yaml: cluster.etcd.ca.key: no PEM private key found");
    assertThatThrownBy(() -> issue(redacted)).hasMessageStartingWith("w.yaml: cluster.etcd.ca.key is not base64")
        .hasMessageEndingWith("is the config redacted?");
    assertThatThrownBy(() -> issue(missing)).hasMessageStartingWith("w.yaml: cluster.etcd.ca.key is missing or empty");
  }

  @Test
  void refusesAKeyThatDoesNotBelongToTheCa() throws Exception {
    TalosEtcdPki other = TalosEtcdPki.generate();
    try {
      String config = pki.machineConfig("controlplane");
      String otherKey = other.machineConfig("controlplane").lines().filter(l -> l.startsWith("      key: ")).findFirst().orElseThrow();
      String mixed = config.replaceAll("(?m)^      key: .*$", otherKey);

      assertThatThrownBy(() -> issue(mixed))
          .hasMessage("w.yaml: cluster.etcd.ca: the private key does not belong to the CA certificate");
    } finally {
      other.delete();
    }
  }

  @Test
  void refusesAValidityThatOutlivesTheCa() {
    assertThatThrownBy(() -> issuer.issue("cp.yaml", pki.machineConfig("controlplane"), "n", "ns", "3650d", "fipkeeper"))
        .hasMessageStartingWith("invalid --validity '3650d': the certificate would outlive the etcd CA, which expires ")
        .hasMessageContaining("; use at most 3649d");
  }

  @Test
  void checksNameNamespaceValidityAndCommonName() {
    String config = pki.machineConfig("controlplane");

    assertThatThrownBy(() -> issuer.issue("f", config, "Etcd_Client", "kube-system", "365d", "fipkeeper"))
        .hasMessageStartingWith("invalid --name 'Etcd_Client'");
    assertThatThrownBy(() -> issuer.issue("f", config, "etcd", "kube.system", "365d", "fipkeeper"))
        .hasMessageStartingWith("invalid --namespace 'kube.system'");
    assertThatThrownBy(() -> issuer.issue("f", config, "etcd", "kube-system", "1y", "fipkeeper"))
        .hasMessage("invalid --validity '1y': give days or hours, e.g. 365d or 720h");
    assertThatThrownBy(() -> issuer.issue("f", config, "etcd", "kube-system", "30m", "fipkeeper"))
        .hasMessageStartingWith("invalid --validity '30m'");
    assertThatThrownBy(() -> issuer.issue("f", config, "etcd", "kube-system", "0h", "fipkeeper"))
        .hasMessage("invalid --validity '0h': must be between 1h and 3650d");
    assertThatThrownBy(() -> issuer.issue("f", config, "etcd", "kube-system", "365d", "CN=x,O=y"))
        .hasMessageStartingWith("invalid --common-name 'CN=x,O=y'");
  }

  private EtcdClientCertificate.Result issue(String input) {
    return issuer.issue("w.yaml", input, "fipkeeper-etcd-client", "kube-system", "365d", "fipkeeper");
  }

  private static JsonNode secret(EtcdClientCertificate.Result result) throws Exception {
    return YAML.readTree(result.manifest());
  }

  private static byte[] data(JsonNode secret, String key) {
    return Base64.getDecoder().decode(secret.path("data").path(key).asText());
  }

  private static List<String> names(JsonNode node) {
    List<String> out = new ArrayList<>();
    node.fieldNames().forEachRemaining(out::add);
    return out;
  }
}
