package io.fipkeeper.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The operator's kubeconfig, written once when the testbed starts and never edited: {@code server} is the stable
 * endpoint's DNS name, {@code certificate-authority-data} the testbed CA, context {@code admin@prod} as in the
 * operator's problem statement. It is made read-only and its SHA-256 kept, so a trial can prove it never changed.
 */
public record Kubeconfig(Path file, String sha256) {
  /** Debian's kubectl (package kubernetes-client). */
  public static final Path KUBECTL = Path.of("/usr/bin/kubectl");

  static Kubeconfig write(Path file, ApiEndpoint endpoint, String caPem) {
    String ca = Base64.getEncoder().encodeToString(caPem.getBytes(StandardCharsets.US_ASCII));
    String yaml = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: prod
          cluster:
            server: %s
            certificate-authority-data: %s
        users:
        - name: admin@prod
          user:
            # the fake apiserver ignores credentials; a real kubeconfig carries a client certificate here
            token: testbed-not-a-secret
        contexts:
        - name: admin@prod
          context:
            cluster: prod
            user: admin@prod
        current-context: admin@prod
        """.formatted(endpoint.url(), ca);
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.deleteIfExists(file);
      Files.writeString(file, yaml);
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
    } catch (IOException e) {
      throw new TestbedException("cannot write " + file + ": " + e.getMessage(), e);
    }
    return new Kubeconfig(file, hash(file));
  }

  /** The kubectl binary, or a TestbedException saying how to install it. */
  static Path kubectl() {
    if (!Files.isExecutable(KUBECTL)) {
      throw new TestbedException(KUBECTL + " is missing: apt-get install kubernetes-client (make deps)");
    }
    return KUBECTL;
  }

  /** Whether the file still has the content written at start. */
  public boolean unchanged() {
    return Files.isRegularFile(file) && hash(file).equals(sha256);
  }

  private static String hash(Path file) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (IOException | NoSuchAlgorithmException e) {
      throw new TestbedException("cannot hash " + file + ": " + e.getMessage(), e);
    }
  }
}
