package io.fipkeeper.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The testbed's Kubernetes CA: one self-signed EC P-256 root per testbed, and server certificates for the fake
 * apiservers whose SANs the caller chooses (the node IP plus what {@code fipkeeper talos-patch} lists). Keys never
 * leave the work dir; the CA is what the outside client's kubeconfig trusts ({@link #caPem()}).
 */
public final class TestbedCa {
  /** Password of the PKCS#12 files handed to {@link ApiserverMain}: a test fixture, not a secret. */
  static final String KEYSTORE_PASSWORD = "testbed";
  private static final Duration VALIDITY = Duration.ofDays(2);

  private final KeyPair key;
  private final X509Certificate cert;
  private final AtomicLong serial = new AtomicLong(2);

  private TestbedCa(KeyPair key, X509Certificate cert) {
    this.key = key;
    this.cert = cert;
  }

  /** A fresh CA named {@code CN=<name>}. */
  public static TestbedCa create(String name) {
    try {
      KeyPair key = ecKey();
      X500Name subject = new X500Name("CN=" + name);
      Instant now = Instant.now();
      JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, BigInteger.ONE,
          Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(VALIDITY)), subject, key.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      return new TestbedCa(key, sign(b, key));
    } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
      throw new TestbedException("cannot create the testbed CA: " + e.getMessage(), e);
    }
  }

  /** The CA certificate in PEM, as a kubeconfig's certificate-authority-data carries it (base64 of this). */
  public String caPem() {
    return pem(cert);
  }

  public X509Certificate certificate() {
    return cert;
  }

  /**
   * Issues a server certificate for {@code commonName} with these SANs (an entry that parses as an IP literal
   * becomes an IP SAN, anything else a DNS SAN) and writes key + chain as PKCS#12 to {@code keystore}.
   */
  public Path issueServer(String commonName, List<String> sans, Path keystore) {
    try {
      KeyPair serverKey = ecKey();
      Instant now = Instant.now();
      JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(cert, BigInteger.valueOf(serial.getAndIncrement()),
          Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(VALIDITY)),
          new X500Name("CN=" + commonName), serverKey.getPublic());
      List<GeneralName> names = new ArrayList<>();
      for (String san : sans) {
        names.add(new GeneralName(isIpLiteral(san) ? GeneralName.iPAddress : GeneralName.dNSName, san));
      }
      b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(new GeneralName[0])));
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      X509Certificate leaf = sign(b, key);
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("apiserver", serverKey.getPrivate(), KEYSTORE_PASSWORD.toCharArray(),
          new Certificate[] {leaf, cert});
      Files.createDirectories(keystore.toAbsolutePath().getParent());
      try (OutputStream out = Files.newOutputStream(keystore)) {
        store.store(out, KEYSTORE_PASSWORD.toCharArray());
      }
      return keystore;
    } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
      throw new TestbedException("cannot issue a certificate for " + commonName + ": " + e.getMessage(), e);
    }
  }

  /** Writes the CA certificate as PEM (for tools that take a file). */
  public Path writeCaPem(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, caPem());
      return file;
    } catch (IOException e) {
      throw new TestbedException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  static boolean isIpLiteral(String s) {
    return s.matches("\\d{1,3}(\\.\\d{1,3}){3}") || s.contains(":");
  }

  private static KeyPair ecKey() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static X509Certificate sign(JcaX509v3CertificateBuilder b, KeyPair issuer)
      throws OperatorCreationException, GeneralSecurityException {
    ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate());
    X509CertificateHolder holder = b.build(signer);
    return new JcaX509CertificateConverter().getCertificate(holder);
  }

  private static String pem(X509Certificate c) {
    try {
      String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(c.getEncoded());
      return "-----BEGIN CERTIFICATE-----\n" + b64 + "\n-----END CERTIFICATE-----\n";
    } catch (GeneralSecurityException e) {
      throw new TestbedException("cannot encode the CA certificate: " + e.getMessage(), e);
    }
  }
}
