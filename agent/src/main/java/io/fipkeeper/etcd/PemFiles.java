package io.fipkeeper.etcd;

import io.fipkeeper.pki.Pem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * Reads the PEM files etcd clients are given on Kubernetes control planes: the parsing itself ({@link Pem}) is shared
 * with {@code fipkeeper etcd-client-cert}. Errors name the file and the problem, never key material.
 */
final class PemFiles {

  private PemFiles() {}

  static PrivateKey privateKey(Path file) {
    return Pem.privateKey(file.toString(), read(file));
  }

  static X509Certificate[] certificates(Path file) {
    try {
      return Pem.certificates(file.toString(), Files.readAllBytes(file));
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": not a PEM certificate (" + e.getMessage() + ")", e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot read (" + e.getMessage() + ")", e);
    }
  }
}
