import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * An HTTPS front for a plain-HTTP server (the Hetzner simulator), for the image's AppCDS training run
 * (scripts/build-image.sh) and the image smoke test: the Hetzner API is HTTPS, so the agent's TLS code must run in
 * both. Run from source with the build machine's JDK:
 * <pre>java image/TlsForward.java LISTEN_HOST:PORT TARGET_HOST:PORT KEYSTORE.p12 PASSWORD</pre>
 * Port 0 picks a free one. Prints {@code listening on HOST:PORT} once bound, then one line per connection:
 * {@code handshake ok} or {@code handshake failed: <reason>}. Runs until killed.
 */
public final class TlsForward {
  private TlsForward() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 4) {
      System.err.println("usage: java TlsForward.java LISTEN_HOST:PORT TARGET_HOST:PORT KEYSTORE.p12 PASSWORD");
      System.exit(2);
    }
    InetSocketAddress listen = address(args[0]);
    InetSocketAddress target = address(args[1]);
    char[] password = args[3].toCharArray();
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(Path.of(args[2]))) {
      keys.load(in, password);
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, password);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(kmf.getKeyManagers(), null, null);
    try (SSLServerSocket server = (SSLServerSocket) tls.getServerSocketFactory()
        .createServerSocket(listen.getPort(), 50, listen.getAddress())) {
      System.out.println("listening on " + listen.getHostString() + ":" + server.getLocalPort());
      while (true) {
        SSLSocket client = (SSLSocket) server.accept();
        Thread t = new Thread(() -> serve(client, target), "tls-forward");
        t.setDaemon(true);
        t.start();
      }
    }
  }

  private static void serve(SSLSocket client, InetSocketAddress target) {
    try (client; Socket upstream = new Socket()) {
      client.setSoTimeout(120_000);
      try {
        client.startHandshake();
        System.out.println("handshake ok");
      } catch (IOException e) {
        System.out.println("handshake failed: " + e.getMessage());
        return;
      }
      upstream.connect(target, 5_000);
      Thread back = new Thread(() -> pipe(upstream, client), "tls-forward-back");
      back.setDaemon(true);
      back.start();
      pipe(client, upstream);
      back.join(5_000);
    } catch (IOException e) {
      // a peer went away
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Copies until end of stream, then closes the writing side so the peer sees the end too. */
  private static void pipe(Socket from, Socket to) {
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      byte[] buf = new byte[16 * 1024];
      for (int n; (n = in.read(buf)) >= 0; ) {
        out.write(buf, 0, n);
        out.flush();
      }
      if (to instanceof SSLSocket) {
        to.close();
      } else {
        to.shutdownOutput();
      }
    } catch (IOException e) {
      // one side closed: the other direction ends by itself
    }
  }

  private static InetSocketAddress address(String hostPort) throws IOException {
    int colon = hostPort.lastIndexOf(':');
    return new InetSocketAddress(InetAddress.getByName(hostPort.substring(0, colon)),
        Integer.parseInt(hostPort.substring(colon + 1)));
  }
}
