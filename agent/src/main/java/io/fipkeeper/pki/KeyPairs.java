package io.fipkeeper.pki;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;

/** Whether a private key belongs to a public key, decided by signing and verifying a probe (any key type). */
final class KeyPairs {
  private static final byte[] PROBE = "fipkeeper key pair probe".getBytes(StandardCharsets.US_ASCII);

  private KeyPairs() {}

  static boolean match(PublicKey publicKey, PrivateKey privateKey) {
    String algorithm = switch (privateKey.getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> null;
    };
    if (algorithm == null || !publicKey.getAlgorithm().equals(privateKey.getAlgorithm())
        && !(isEdDsa(publicKey.getAlgorithm()) && isEdDsa(privateKey.getAlgorithm()))) {
      return false;
    }
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(privateKey);
      signer.update(PROBE);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(PROBE);
      return verifier.verify(signature);
    } catch (GeneralSecurityException | RuntimeException mismatch) {
      return false;
    }
  }

  private static boolean isEdDsa(String algorithm) {
    return algorithm.equals("EdDSA") || algorithm.equals("Ed25519");
  }
}
