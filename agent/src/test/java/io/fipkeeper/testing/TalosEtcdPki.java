package io.fipkeeper.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * An etcd PKI made the way Talos makes it, with the {@code openssl} CLI (an implementation independent of the code
 * under test): a self-signed CA with an ECDSA P-256 key written as SEC1 ({@code EC PRIVATE KEY}), subject
 * {@code O=etcd}, SHA-256, CA:TRUE, keyUsage certSign+digitalSignature, extKeyUsage serverAuth+clientAuth, ten years
 * — what {@code pkg/machinery/config/generate/secrets/ca.go} NewEtcdCA (Talos v1.12.11, v1.13.9, v1.14.0-rc.1) asks
 * of siderolabs/crypto's {@code NewSelfSignedCertificateAuthority} with {@code x509.ECDSA(true)}. Plus a serving
 * certificate for {@code 127.0.0.1} signed by it, as Talos' {@code internal/pkg/etcd/certs.go} issues them.
 * {@link #machineConfig}, {@link #resourceYaml} and {@link #secretsBundle} embed the CA the way Talos does
 * (base64-encoded PEM under {@code cluster.etcd.ca} / {@code certs.etcd}).
 */
public record TalosEtcdPki(Path dir, Path ca, Path caKey, Path serverCert, Path serverKey) implements EtcdServerTls {

  /** Generates everything in a new temp directory. */
  public static TalosEtcdPki generate() {
    try {
      Path d = Files.createTempDirectory("fipkeeper-talos-pki-");
      openssl(d, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ca.key");
      openssl(d, "req", "-x509", "-new", "-key", "ca.key", "-sha256", "-days", "3650", "-subj", "/O=etcd",
          "-addext", "basicConstraints=critical,CA:TRUE",
          "-addext", "keyUsage=critical,keyCertSign,digitalSignature",
          "-addext", "extendedKeyUsage=serverAuth,clientAuth",
          "-out", "ca.crt");
      Files.writeString(d.resolve("server.ext"),
          "subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
              + "extendedKeyUsage=serverAuth,clientAuth\n");
      openssl(d, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "server.key");
      openssl(d, "req", "-new", "-key", "server.key", "-subj", "/CN=etcd-test", "-out", "server.csr");
      openssl(d, "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
          "-days", "1", "-sha256", "-extfile", "server.ext", "-out", "server.crt");
      return new TalosEtcdPki(d, d.resolve("ca.crt"), d.resolve("ca.key"), d.resolve("server.crt"), d.resolve("server.key"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A control-plane machine config as `talosctl gen config` writes it: v1alpha1 first, then another document. */
  public String machineConfig(String machineType) {
    return "version: v1alpha1\n"
        + "debug: false\n"
        + "persist: true\n"
        + "machine:\n"
        + "  type: " + machineType + "\n"
        + "  token: abcdef.0123456789abcdef\n"
        + "cluster:\n"
        + "  id: cluster-id\n"
        + "  controlPlane:\n"
        + "    endpoint: https://203.0.113.10:6443\n"
        + "  etcd:\n"
        + "    ca:\n"
        + "      crt: " + base64(ca) + "\n"
        + "      key: " + base64(caKey) + "\n"
        + "---\n"
        + "apiVersion: v1alpha1\n"
        + "kind: HostnameConfig\n"
        + "auto: stable\n";
  }

  /** `talosctl get machineconfig -o yaml`: the whole config as one YAML string under {@code spec}. */
  public String resourceYaml() {
    StringBuilder out = new StringBuilder();
    out.append("node: 198.51.100.1\n");
    out.append("metadata:\n");
    out.append("    namespace: config\n");
    out.append("    type: MachineConfigs.config.talos.dev\n");
    out.append("    id: v1alpha1\n");
    out.append("    version: 5\n");
    out.append("    phase: running\n");
    out.append("spec: |\n");
    machineConfig("controlplane").lines().forEach(line -> out.append("    ").append(line).append('\n'));
    return out.toString();
  }

  /** `talosctl gen secrets` output. */
  public String secretsBundle() {
    return "cluster:\n"
        + "    id: cluster-id\n"
        + "    secret: cluster-secret\n"
        + "secrets:\n"
        + "    bootstraptoken: abcdef.0123456789abcdef\n"
        + "trustdinfo:\n"
        + "    token: 123456.abcdefabcdefabcd\n"
        + "certs:\n"
        + "    etcd:\n"
        + "        crt: " + base64(ca) + "\n"
        + "        key: " + base64(caKey) + "\n";
  }

  /** Removes the directory and everything in it. */
  public void delete() {
    OpenSsl.deleteTree(dir);
  }

  private static String base64(Path file) {
    try {
      return Base64.getEncoder().encodeToString(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void openssl(Path dir, String... args) throws IOException {
    OpenSsl.run(dir, args);
  }
}
