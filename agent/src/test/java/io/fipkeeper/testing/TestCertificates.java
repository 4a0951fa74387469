package io.fipkeeper.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A throw-away PKI made with the {@code openssl} CLI for mTLS tests: a CA, an etcd server certificate for
 * {@code 127.0.0.1}/{@code localhost}, and client certificates whose keys come in every PEM form control planes use
 * (PKCS#1 RSA as kubeadm writes, SEC1 EC as k3s writes, and PKCS#8 of both). Valid for one day.
 */
public record TestCertificates(
    Path dir,
    Path ca,
    Path serverCert,
    Path serverKey,
    Path clientRsaCert,
    Path clientRsaPkcs1Key,
    Path clientRsaPkcs8Key,
    Path clientEcCert,
    Path clientEcSec1Key,
    Path clientEcPkcs8Key) implements EtcdServerTls {

  /** Generates everything in a new temp directory (about a second). */
  public static TestCertificates generate() {
    try {
      Path d = Files.createTempDirectory("fipkeeper-pki-");
      Files.writeString(d.resolve("server.ext"),
          "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n");
      Files.writeString(d.resolve("client.ext"), "extendedKeyUsage=clientAuth\n");
      openssl(d, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "1",
          "-subj", "/CN=fipkeeper-test-ca");
      openssl(d, "genrsa", "-out", "server.key", "2048");
      signed(d, "server.key", "server", "server.ext");
      openssl(d, "genrsa", "-traditional", "-out", "client-rsa-pkcs1.key", "2048");
      openssl(d, "pkcs8", "-topk8", "-nocrypt", "-in", "client-rsa-pkcs1.key", "-out", "client-rsa-pkcs8.key");
      signed(d, "client-rsa-pkcs1.key", "client-rsa", "client.ext");
      openssl(d, "ecparam", "-name", "prime256v1", "-genkey", "-out", "client-ec-sec1.key");
      openssl(d, "pkcs8", "-topk8", "-nocrypt", "-in", "client-ec-sec1.key", "-out", "client-ec-pkcs8.key");
      signed(d, "client-ec-sec1.key", "client-ec", "client.ext");
      return new TestCertificates(d, d.resolve("ca.crt"), d.resolve("server.crt"), d.resolve("server.key"),
          d.resolve("client-rsa.crt"), d.resolve("client-rsa-pkcs1.key"), d.resolve("client-rsa-pkcs8.key"),
          d.resolve("client-ec.crt"), d.resolve("client-ec-sec1.key"), d.resolve("client-ec-pkcs8.key"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Removes the directory and everything in it. */
  public void delete() {
    OpenSsl.deleteTree(dir);
  }

  private static void signed(Path d, String key, String name, String ext) throws IOException {
    openssl(d, "req", "-new", "-key", key, "-out", name + ".csr", "-subj", "/CN=" + name);
    openssl(d, "x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", name + ".crt", "-days", "1", "-extfile", ext);
  }

  private static void openssl(Path dir, String... args) throws IOException {
    OpenSsl.run(dir, args);
  }
}
