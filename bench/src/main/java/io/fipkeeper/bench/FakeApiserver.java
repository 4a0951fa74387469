package io.fipkeeper.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A node's kube-apiserver as the agent sees it: {@code GET /readyz} answers 200 "ok" while healthy and 500
 * otherwise. Runs inside the harness JVM on the harness address (reachable from every node through the
 * router), one port per node, so flipping health is a method call and no extra process can leak.
 */
public final class FakeApiserver implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;
  private final AtomicBoolean healthy = new AtomicBoolean(true);
  private final AtomicLong probes = new AtomicLong();
  private final String node;

  private FakeApiserver(String node, HttpServer server, ExecutorService executor) {
    this.node = node;
    this.server = server;
    this.executor = executor;
  }

  /** Starts serving on address:port (port 0 picks a free one). */
  public static FakeApiserver start(String node, String address, int port) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(address, port), 16);
      ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fake-apiserver-" + node);
        t.setDaemon(true);
        return t;
      });
      FakeApiserver api = new FakeApiserver(node, server, executor);
      server.createContext("/", exchange -> {
        api.probes.incrementAndGet();
        boolean ok = api.healthy.get();
        byte[] body = (ok ? "ok" : "readyz check failed").getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(ok ? 200 : 500, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      });
      server.setExecutor(executor);
      server.start();
      return api;
    } catch (IOException e) {
      throw new TestbedException("cannot start fake apiserver for " + node + " on " + address + ":" + port
          + ": " + e.getMessage(), e);
    }
  }

  public void healthy(boolean value) {
    healthy.set(value);
  }

  public boolean healthy() {
    return healthy.get();
  }

  /** How many probes arrived, to check that the agent really polls. */
  public long probes() {
    return probes.get();
  }

  public String url() {
    InetSocketAddress a = server.getAddress();
    return "http://" + a.getAddress().getHostAddress() + ":" + a.getPort() + "/readyz";
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
