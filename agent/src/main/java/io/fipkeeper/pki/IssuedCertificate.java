package io.fipkeeper.pki;

import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * A freshly issued certificate and its private key. {@link #toString()} never shows the key.
 *
 * @param certificate the certificate, already verified against its CA
 * @param key its private key
 */
public record IssuedCertificate(X509Certificate certificate, PrivateKey key) {
  public IssuedCertificate {
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(key, "key");
  }

  /** {@code -----BEGIN CERTIFICATE-----} ... */
  public String certificatePem() {
    try {
      return Pem.encode("CERTIFICATE", certificate.getEncoded());
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("a parsed certificate always encodes", e);
    }
  }

  /** The key as unencrypted PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}), which Netty, Go and etcd all read. */
  public String keyPem() {
    return Pem.encode("PRIVATE KEY", key.getEncoded());
  }

  @Override
  public String toString() {
    return "IssuedCertificate[subject=" + certificate.getSubjectX500Principal() + ", notAfter="
        + certificate.getNotAfter().toInstant() + ", key=<redacted>]";
  }
}
