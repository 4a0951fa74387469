package io.fipkeeper.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * An HTTPS endpoint in front of a plain-HTTP server (the Hetzner simulator), with a certificate from a throw-away
 * CA that exists only for this test: a client gets through only if it trusts that CA. It counts completed and failed
 * TLS handshakes, so a test can tell that the traffic really went through TLS. The PKI is made with the
 * {@code openssl} CLI; {@link #close()} stops the listener, every open connection and deletes the keys.
 */
final class TlsProxy implements AutoCloseable {
  private static final String PASSWORD = "smoke-test";

  private final Path pki;
  private final SSLServerSocket server;
  private final InetSocketAddress target;
  private final AtomicInteger handshakes = new AtomicInteger();
  private final AtomicInteger failedHandshakes = new AtomicInteger();
  private final Thread acceptor;

  private TlsProxy(Path pki, SSLServerSocket server, InetSocketAddress target) {
    this.pki = pki;
    this.server = server;
    this.target = target;
    this.acceptor = new Thread(this::acceptLoop, "tls-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
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
      KeyStore keys = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(pki.resolve("server.p12"))) {
        keys.load(in, PASSWORD.toCharArray());
      }
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, PASSWORD.toCharArray());
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(kmf.getKeyManagers(), null, null);
      SSLServerSocket server = (SSLServerSocket) tls.getServerSocketFactory()
          .createServerSocket(0, 50, InetAddress.getByName(address));
      return new TlsProxy(pki, server, target);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up TLS: " + e, e);
    }
  }

  /** The CA certificate (PEM) a client must trust. */
  Path caCertificate() {
    return pki.resolve("ca.crt");
  }

  int port() {
    return server.getLocalPort();
  }

  int handshakes() {
    return handshakes.get();
  }

  int failedHandshakes() {
    return failedHandshakes.get();
  }

  @Override
  public void close() {
    try {
      server.close();
      acceptor.join(5_000);
    } catch (IOException e) {
      // closing anyway
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (var files = Files.walk(pki)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temp dir left behind is harmless
    }
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        SSLSocket client = (SSLSocket) server.accept();
        Thread t = new Thread(() -> serve(client), "tls-proxy-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(SSLSocket client) {
    try (client; Socket upstream = new Socket()) {
      client.setSoTimeout(60_000);
      try {
        client.startHandshake();
        handshakes.incrementAndGet();
      } catch (IOException e) {
        failedHandshakes.incrementAndGet();
        return;
      }
      upstream.connect(target, 5_000);
      Thread back = new Thread(() -> pipe(upstream, client), "tls-proxy-back");
      back.setDaemon(true);
      back.start();
      pipe(client, upstream);
      back.join(5_000);
    } catch (IOException e) {
      // the peer went away
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void pipe(Socket from, Socket to) {
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      byte[] buf = new byte[16 * 1024];
      for (int n; (n = in.read(buf)) >= 0; ) {
        out.write(buf, 0, n);
        out.flush();
      }
      if (!(to instanceof SSLSocket)) {
        to.shutdownOutput();
      } else {
        to.close();
      }
    } catch (IOException e) {
      // one side closed: the other direction ends by itself
    }
  }

  private static void openssl(Path dir, String... args) {
    List<String> argv = new java.util.ArrayList<>(List.of("openssl"));
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
