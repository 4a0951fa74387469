package io.fipkeeper.e2e;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/** A kube-apiserver {@code /readyz} stand-in on loopback that answers 200 or 503 as the test switches it. */
final class FakeApiserver implements AutoCloseable {
  private final AtomicBoolean healthy = new AtomicBoolean(true);
  private final HttpServer server;
  private final ExecutorService executor;

  FakeApiserver() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "fake-apiserver");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/readyz", exchange -> {
      boolean ok = healthy.get();
      byte[] body = (ok ? "ok" : "[-]etcd failed: reason withheld\nreadyz check failed").getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(ok ? 200 : 503, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
  }

  URI readyzUrl() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/readyz");
  }

  void setHealthy(boolean ok) {
    healthy.set(ok);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
