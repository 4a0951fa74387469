package io.fipkeeper.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fipkeeper.leader.port.ElectionEvent;
import io.fipkeeper.testing.EtcdExtension;
import io.fipkeeper.testing.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** mTLS as on a real control plane: etcd requires client certificates; keys in PKCS#1, SEC1 and PKCS#8 all work. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EtcdTlsTest {

  static final TestCertificates PKI = TestCertificates.generate();

  @RegisterExtension static final EtcdExtension etcd = new EtcdExtension().withTls(PKI);

  @AfterAll
  static void deletePki() {
    PKI.delete();
  }

  static Stream<Arguments> clientKeys() {
    return Stream.of(
        Arguments.of("rsa-pkcs1", PKI.clientRsaCert(), PKI.clientRsaPkcs1Key()),
        Arguments.of("rsa-pkcs8", PKI.clientRsaCert(), PKI.clientRsaPkcs8Key()),
        Arguments.of("ec-sec1", PKI.clientEcCert(), PKI.clientEcSec1Key()),
        Arguments.of("ec-pkcs8", PKI.clientEcCert(), PKI.clientEcPkcs8Key()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("clientKeys")
  void keyMatchesItsCertificate(String form, Path cert, Path key) throws Exception {
    PrivateKey privateKey = PemFiles.privateKey(key);
    X509Certificate certificate = PemFiles.certificates(cert)[0];
    String algorithm = privateKey.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";

    Signature signer = Signature.getInstance(algorithm);
    signer.initSign(privateKey);
    signer.update(form.getBytes());
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance(algorithm);
    verifier.initVerify(certificate.getPublicKey());
    verifier.update(form.getBytes());

    assertThat(verifier.verify(signature)).as(form).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("clientKeys")
  void campaignsOverMutualTls(String form, Path cert, Path key) {
    EtcdSettings settings = new EtcdSettings(etcd.endpoints(), PKI.ca(), cert, key, Duration.ofSeconds(2));
    assertThat(etcd.endpoint()).startsWith("https://");
    List<ElectionEvent> events = new CopyOnWriteArrayList<>();
    try (EtcdElection election =
        new EtcdElection(settings, EtcdExtension.randomPrefix(), "203.0.113.10", ElectionIdentity.of("node-" + form, 7), Duration.ofSeconds(2), events::add)) {
      election.campaign(1);
      await(form + " wins over mTLS, events " + events).atMost(Duration.ofSeconds(10))
          .until(() -> events.stream().anyMatch(ElectionEvent.ElectionWon.class::isInstance));
      election.revoke(Duration.ofSeconds(2));
    }
  }

  @Test
  void withoutAClientCertificateTheCampaignFails() {
    EtcdSettings caOnly = new EtcdSettings(etcd.endpoints(), PKI.ca(), null, null, Duration.ofSeconds(1));
    List<ElectionEvent> events = new CopyOnWriteArrayList<>();
    try (EtcdElection election =
        new EtcdElection(caOnly, EtcdExtension.randomPrefix(), "203.0.113.10", ElectionIdentity.of("node-x", 7), Duration.ofSeconds(2), events::add)) {
      election.campaign(1);
      await("campaign refused without client certificate").atMost(Duration.ofSeconds(20))
          .until(() -> events.stream().anyMatch(ElectionEvent.CampaignFailed.class::isInstance));
    }
    assertThat(events).noneMatch(ElectionEvent.ElectionWon.class::isInstance);
  }

  @Test
  void aFileWithoutAKeyIsRejectedByName() throws Exception {
    Path notAKey = Files.writeString(PKI.dir().resolve("empty.key"), "hello\n");

    assertThatThrownBy(() -> PemFiles.privateKey(notAKey)).hasMessage(notAKey + ": no PEM private key found");
    assertThatThrownBy(() -> new EtcdSettings(etcd.endpoints(), PKI.ca(), PKI.clientRsaCert(), notAKey, Duration.ofSeconds(1)).newClient())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty.key").hasMessageNotContaining("\n");
  }
}
