package io.fipkeeper.pki;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses PEM text without BouncyCastle (which Netty would need for anything but PKCS#8): {@code PRIVATE KEY}
 * (PKCS#8: RSA, EC, Ed25519), {@code RSA PRIVATE KEY} (PKCS#1, kubeadm) and {@code EC PRIVATE KEY} (SEC1 with its
 * curve, as Talos, k3s and RKE2 write them); certificates as X.509 chains; and writes PKCS#8 and certificates back.
 * Errors start with the caller's {@code source} (a file name or a config path) and never contain key material.
 */
public final class Pem {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");
  private static final byte[] RSA_ALGORITHM = Der.sequence(Der.oid("1.2.840.113549.1.1.1"), Der.nullValue());
  private static final byte[] EC_PUBLIC_KEY_OID = Der.oid("1.2.840.10045.2.1");

  private Pem() {}

  /** The first private key in {@code text}; {@code source} names where it came from in error messages. */
  public static PrivateKey privateKey(String source, String text) {
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      String type = m.group(1);
      byte[] der = Base64.getMimeDecoder().decode(m.group(2));
      switch (type) {
        case "PRIVATE KEY":
          return pkcs8(source, der);
        case "RSA PRIVATE KEY":
          return pkcs8(source, Der.sequence(Der.integer(0), RSA_ALGORITHM, Der.octetString(der)));
        case "EC PRIVATE KEY":
          return pkcs8(source,
              Der.sequence(Der.integer(0), Der.sequence(EC_PUBLIC_KEY_OID, sec1Curve(source, der)), Der.octetString(der)));
        case "ENCRYPTED PRIVATE KEY":
          throw new IllegalArgumentException(source + ": encrypted private keys are not supported, decrypt it first");
        default:
          // e.g. "EC PARAMETERS" written before the key by `openssl ecparam -genkey`
      }
    }
    throw new IllegalArgumentException(source + ": no PEM private key found");
  }

  /** Every certificate in {@code pem}, in order; at least one. */
  public static X509Certificate[] certificates(String source, byte[] pem) {
    try {
      X509Certificate[] chain = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem)).stream()
          .map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
      if (chain.length == 0) {
        throw new IllegalArgumentException(source + ": no PEM certificate found");
      }
      return chain;
    } catch (CertificateException e) {
      throw new IllegalArgumentException(source + ": not a PEM certificate (" + e.getMessage() + ")", e);
    }
  }

  /** {@code -----BEGIN <type>-----}, base64 in 64-character lines, {@code -----END <type>-----}, newline. */
  public static String encode(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }

  private static PrivateKey pkcs8(String source, byte[] der) {
    for (String algorithm : new String[] {"RSA", "EC", "Ed25519", "Ed448"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException | RuntimeException wrongAlgorithm) {
        // try the next one
      }
    }
    throw new IllegalArgumentException(source + ": unsupported or damaged private key");
  }

  /** The named-curve OID inside a SEC1 key's {@code [0] parameters}; a key without it cannot be used. */
  private static byte[] sec1Curve(String source, byte[] der) {
    try {
      int[] outer = Der.header(der, 0);
      for (int pos = outer[1]; pos < outer[1] + outer[2]; ) {
        int[] h = Der.header(der, pos);
        if ((der[pos] & 0xff) == 0xa0) {
          return Arrays.copyOfRange(der, h[1], h[1] + h[2]);
        }
        pos = h[1] + h[2];
      }
    } catch (IllegalArgumentException truncated) {
      throw new IllegalArgumentException(source + ": damaged EC private key (" + truncated.getMessage() + ")");
    }
    throw new IllegalArgumentException(source + ": EC private key without curve parameters");
  }
}
