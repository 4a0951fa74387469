package io.fipkeeper.deploy;

import io.fipkeeper.bench.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HTTPS endpoint in front of a plain-HTTP server (the Hetzner simulator), with a certificate from a throw-away
 * CA that exists only for this test: a client gets through only if it trusts that CA. It runs image/TlsForward.java
 * (the forwarder the image build's training run uses) as a process and counts the handshakes it reports, so a test can
 * tell that the traffic really went through TLS. The PKI is made with the {@code openssl} CLI; {@link #close()} stops
 * the forwarder and deletes the keys.
 */
final class TlsProxy implements AutoCloseable {
  private static final String PASSWORD = "smoke-test";
  private static final Pattern LISTENING = Pattern.compile("listening on \\S+:(\\d+)");

  private final Path pki;
  private final Process process;
  private final int port;

  private TlsProxy(Path pki, Process process, int port) {
    this.pki = pki;
    this.process = process;
    this.port = port;
  }

  /** Listens on {@code address}:any port with a certificate for that IP address, forwarding to {@code target}. */
  static TlsProxy start(String address, InetSocketAddress target) {
    try {
      Path pki = Files.createTempDirectory("fipkeeper-smoke-pki-");
      Files.writeString(pki.resolve("server.ext"),
          "subjectAltName=IP:" + address + "\nextendedKeyUsage=serverAuth\n");
      openssl(pki, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "1",
          "-subj", "/CN=fipkeeper image smoke test CA");
      openssl(pki, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
          "-subj", "/CN=" + address);
      openssl(pki, "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
          "-out", "server.crt", "-days", "1", "-extfile", "server.ext");
      openssl(pki, "pkcs12", "-export", "-in", "server.crt", "-inkey", "server.key", "-out", "server.p12",
          "-passout", "pass:" + PASSWORD);
      Path log = pki.resolve("forward.log");
      Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx32m", RepoPaths.root().resolve("image/TlsForward.java").toString(), address + ":0",
          target.getHostString() + ":" + target.getPort(), pki.resolve("server.p12").toString(), PASSWORD)
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      int[] port = new int[1];
      boolean listening = Await.tryUntil(Duration.ofSeconds(30), () -> {
        Matcher m = LISTENING.matcher(read(log));
        if (m.find()) {
          port[0] = Integer.parseInt(m.group(1));
        }
        return port[0] > 0 || !p.isAlive();
      });
      if (!listening || port[0] == 0) {
        p.destroyForcibly();
        throw new IllegalStateException("image/TlsForward.java did not start: " + read(log));
      }
      return new TlsProxy(pki, p, port[0]);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The CA certificate (PEM) a client must trust. */
  Path caCertificate() {
    return pki.resolve("ca.crt");
  }

  int port() {
    return port;
  }

  int handshakes() {
    return count("handshake ok");
  }

  int failedHandshakes() {
    return count("handshake failed");
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (var files = Files.walk(pki)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temp dir left behind is harmless
    }
  }

  private int count(String prefix) {
    return (int) read(pki.resolve("forward.log")).lines().filter(l -> l.startsWith(prefix)).count();
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void openssl(Path dir, String... args) {
    List<String> argv = new ArrayList<>(List.of("openssl"));
    argv.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("openssl " + String.join(" ", args) + " failed: " + out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run openssl (apt-get install openssl): " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
