package io.fipkeeper.etcd;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Reads the PEM files etcd clients are given on Kubernetes control planes, without BouncyCastle (which Netty would
 * need for anything but PKCS#8): {@code PRIVATE KEY} (PKCS#8: RSA, EC, Ed25519), {@code RSA PRIVATE KEY} (PKCS#1,
 * kubeadm) and {@code EC PRIVATE KEY} (SEC1 with its curve, k3s/RKE2); certificates as X.509 chains. Errors name the
 * file and the problem, never key material.
 */
final class PemFiles {

  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");
  private static final byte[] RSA_ALGORITHM = hex("300d06092a864886f70d0101010500");
  private static final byte[] EC_PUBLIC_KEY_OID = hex("06072a8648ce3d0201");

  private PemFiles() {}

  static PrivateKey privateKey(Path file) {
    String text = read(file);
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      String type = m.group(1);
      byte[] der = Base64.getMimeDecoder().decode(m.group(2));
      switch (type) {
        case "PRIVATE KEY":
          return pkcs8(file, der);
        case "RSA PRIVATE KEY":
          return pkcs8(file, sequence(integerZero(), RSA_ALGORITHM, tlv(0x04, der)));
        case "EC PRIVATE KEY":
          return pkcs8(file, sequence(integerZero(), sequence(EC_PUBLIC_KEY_OID, sec1Curve(file, der)), tlv(0x04, der)));
        case "ENCRYPTED PRIVATE KEY":
          throw new IllegalArgumentException(file + ": encrypted private keys are not supported, decrypt it first");
        default:
          // e.g. "EC PARAMETERS" written before the key by `openssl ecparam -genkey`
      }
    }
    throw new IllegalArgumentException(file + ": no PEM private key found");
  }

  static X509Certificate[] certificates(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      X509Certificate[] chain = CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
          .map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
      if (chain.length == 0) {
        throw new IllegalArgumentException(file + ": no PEM certificate found");
      }
      return chain;
    } catch (IOException | CertificateException e) {
      throw new IllegalArgumentException(file + ": not a PEM certificate (" + e.getMessage() + ")", e);
    }
  }

  private static PrivateKey pkcs8(Path file, byte[] der) {
    for (String algorithm : new String[] {"RSA", "EC", "Ed25519", "Ed448"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException | RuntimeException wrongAlgorithm) {
        // try the next one
      }
    }
    throw new IllegalArgumentException(file + ": unsupported or damaged private key");
  }

  /** The named-curve OID inside a SEC1 key's {@code [0] parameters}; a key without it cannot be used. */
  private static byte[] sec1Curve(Path file, byte[] der) {
    int[] outer = header(der, 0);
    for (int pos = outer[1]; pos < outer[1] + outer[2]; ) {
      int[] h = header(der, pos);
      if ((der[pos] & 0xff) == 0xa0) {
        return Arrays.copyOfRange(der, h[1], h[1] + h[2]);
      }
      pos = h[1] + h[2];
    }
    throw new IllegalArgumentException(file + ": EC private key without curve parameters");
  }

  /** {tag, content offset, content length} of the DER element at {@code pos}. */
  private static int[] header(byte[] der, int pos) {
    int tag = der[pos] & 0xff;
    int len = der[pos + 1] & 0xff;
    int offset = pos + 2;
    if (len > 0x80) {
      int bytes = len - 0x80;
      len = 0;
      for (int i = 0; i < bytes; i++) {
        len = (len << 8) | (der[offset + i] & 0xff);
      }
      offset += bytes;
    }
    if (offset + len > der.length) {
      throw new IllegalArgumentException("truncated DER");
    }
    return new int[] {tag, offset, len};
  }

  private static byte[] integerZero() {
    return new byte[] {0x02, 0x01, 0x00};
  }

  private static byte[] sequence(byte[]... parts) {
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      content.writeBytes(part);
    }
    return tlv(0x30, content.toByteArray());
  }

  private static byte[] tlv(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int len = content.length;
    if (len < 0x80) {
      out.write(len);
    } else {
      int bytes = len > 0xffffff ? 4 : len > 0xffff ? 3 : len > 0xff ? 2 : 1;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write(len >>> (8 * i));
      }
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot read (" + e.getMessage() + ")", e);
    }
  }

  private static byte[] hex(String s) {
    byte[] out = new byte[s.length() / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
    }
    return out;
  }
}
