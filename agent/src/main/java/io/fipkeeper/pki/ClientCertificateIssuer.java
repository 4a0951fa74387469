package io.fipkeeper.pki;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import javax.security.auth.x500.X500Principal;

/**
 * Issues a TLS client certificate (X.509 v3, {@code clientAuth} only, not a CA) from a CA certificate and its key,
 * for a fresh ECDSA P-256 key, the key type Talos' etcd CA issues its own client certificates with. Built with
 * plain JDK APIs: DER from {@link Der}, the signature from {@link Signature}. The result is parsed back and verified
 * against the CA before it is returned, so a certificate that a TLS stack would reject never leaves this class.
 */
public final class ClientCertificateIssuer {
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

  private final SecureRandom random;

  public ClientCertificateIssuer(SecureRandom random) {
    this.random = Objects.requireNonNull(random, "random");
  }

  /**
   * Issues a certificate for {@code subject}, valid from {@code notBefore} to {@code notAfter}.
   *
   * @throws IllegalArgumentException with a one-line reason when the CA cannot issue it (not a CA, key does not
   *     match, validity outside the CA's, unsupported key type)
   */
  public IssuedCertificate issue(X509Certificate ca, PrivateKey caKey, X500Principal subject, Instant notBefore,
      Instant notAfter) {
    checkCa(ca, caKey, notBefore, notAfter);
    SignatureAlgorithm algorithm = SignatureAlgorithm.forKey(caKey);
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), random);
      KeyPair keys = generator.generateKeyPair();

      byte[] tbs = Der.sequence(
          Der.explicit(0, Der.integer(2)),
          Der.integer(serialNumber()),
          algorithm.identifier(),
          ca.getSubjectX500Principal().getEncoded(),
          Der.sequence(Der.time(notBefore), Der.time(notAfter)),
          subject.getEncoded(),
          keys.getPublic().getEncoded(),
          Der.explicit(3, Der.sequence(
              extension("2.5.29.19", true, Der.sequence()), // basicConstraints: not a CA
              extension("2.5.29.15", true, Der.tlv(0x03, new byte[] {0x07, (byte) 0x80})), // keyUsage: digitalSignature
              extension("2.5.29.37", false, Der.sequence(Der.oid(CLIENT_AUTH))), // extKeyUsage: clientAuth
              extension("2.5.29.14", false, Der.octetString(keyIdentifier(keys.getPublic()))),
              extension("2.5.29.35", false, Der.sequence(Der.tlv(0x80, authorityKeyId(ca)))))));

      Signature signer = Signature.getInstance(algorithm.jcaName());
      signer.initSign(caKey);
      signer.update(tbs);
      byte[] der = Der.sequence(tbs, algorithm.identifier(), Der.bitString(signer.sign()));

      X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new java.io.ByteArrayInputStream(der));
      certificate.verify(ca.getPublicKey());
      return new IssuedCertificate(certificate, keys.getPrivate());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("could not issue the certificate: " + e.getMessage(), e);
    }
  }

  private static void checkCa(X509Certificate ca, PrivateKey caKey, Instant notBefore, Instant notAfter) {
    if (ca.getBasicConstraints() < 0) {
      throw new IllegalArgumentException("the certificate is not a CA (no basicConstraints CA:TRUE)");
    }
    boolean[] usage = ca.getKeyUsage();
    if (usage != null && (usage.length < 6 || !usage[5])) {
      throw new IllegalArgumentException("the CA certificate may not sign certificates (keyUsage lacks keyCertSign)");
    }
    if (!notAfter.isAfter(notBefore)) {
      throw new IllegalArgumentException("the validity ends before it starts");
    }
    if (notAfter.isAfter(ca.getNotAfter().toInstant())) {
      throw new IllegalArgumentException("a certificate valid until " + notAfter + " would outlive its CA, which expires "
          + ca.getNotAfter().toInstant());
    }
    if (notBefore.isBefore(ca.getNotBefore().toInstant())) {
      throw new IllegalArgumentException("the CA is valid only from " + ca.getNotBefore().toInstant());
    }
    if (!KeyPairs.match(ca.getPublicKey(), caKey)) {
      throw new IllegalArgumentException("the private key does not belong to the CA certificate");
    }
  }

  /** A positive 127-bit serial: unique in practice, never negative, never zero. */
  private BigInteger serialNumber() {
    return new BigInteger(127, random).setBit(126);
  }

  private static byte[] extension(String oid, boolean critical, byte[] value) {
    return critical
        ? Der.sequence(Der.oid(oid), Der.bool(true), Der.octetString(value))
        : Der.sequence(Der.oid(oid), Der.octetString(value));
  }

  /** RFC 5280 method 1: SHA-1 of the subjectPublicKey BIT STRING's contents. */
  static byte[] keyIdentifier(PublicKey key) throws GeneralSecurityException {
    byte[] spki = key.getEncoded();
    int[] outer = Der.header(spki, 0);
    int[] algorithm = Der.header(spki, outer[1]);
    int[] bits = Der.header(spki, algorithm[1] + algorithm[2]);
    // skip the "unused bits" byte of the BIT STRING
    byte[] subjectPublicKey = Arrays.copyOfRange(spki, bits[1] + 1, bits[1] + bits[2]);
    return MessageDigest.getInstance("SHA-1").digest(subjectPublicKey);
  }

  /** The CA's own subjectKeyIdentifier when it has one (Talos' CAs do), else one computed from its key. */
  private static byte[] authorityKeyId(X509Certificate ca) throws GeneralSecurityException {
    byte[] extension = ca.getExtensionValue("2.5.29.14");
    if (extension != null) {
      // OCTET STRING (extnValue) wrapping OCTET STRING (the identifier)
      int[] outer = Der.header(extension, 0);
      int[] inner = Der.header(extension, outer[1]);
      return Arrays.copyOfRange(extension, inner[1], inner[1] + inner[2]);
    }
    return keyIdentifier(ca.getPublicKey());
  }

  /** How the CA's key signs: the JCA name and the AlgorithmIdentifier written into the certificate. */
  private enum SignatureAlgorithm {
    ECDSA_SHA256("SHA256withECDSA", "1.2.840.10045.4.3.2", false),
    ECDSA_SHA384("SHA384withECDSA", "1.2.840.10045.4.3.3", false),
    ECDSA_SHA512("SHA512withECDSA", "1.2.840.10045.4.3.4", false),
    RSA_SHA256("SHA256withRSA", "1.2.840.113549.1.1.11", true),
    ED25519("Ed25519", "1.3.101.112", false);

    private final String jcaName;
    private final String oid;
    private final boolean nullParameters;

    SignatureAlgorithm(String jcaName, String oid, boolean nullParameters) {
      this.jcaName = jcaName;
      this.oid = oid;
      this.nullParameters = nullParameters;
    }

    static SignatureAlgorithm forKey(PrivateKey key) {
      switch (key.getAlgorithm()) {
        case "EC":
          int bits = ((ECKey) key).getParams().getCurve().getField().getFieldSize();
          return bits <= 256 ? ECDSA_SHA256 : bits <= 384 ? ECDSA_SHA384 : ECDSA_SHA512;
        case "RSA":
          return RSA_SHA256;
        case "Ed25519":
        case "EdDSA":
          return ED25519;
        default:
          throw new IllegalArgumentException("a CA key of type " + key.getAlgorithm() + " is not supported (EC, RSA or Ed25519)");
      }
    }

    String jcaName() {
      return jcaName;
    }

    byte[] identifier() {
      return nullParameters ? Der.sequence(Der.oid(oid), Der.nullValue()) : Der.sequence(Der.oid(oid));
    }
  }
}
