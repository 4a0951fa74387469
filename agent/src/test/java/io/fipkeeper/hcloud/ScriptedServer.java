package io.fipkeeper.hcloud;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A MockWebServer-style HTTP server on loopback: tests queue replies, make the real call, then assert on the
 * requests it recorded. An empty queue answers 599 so a missing script fails loudly.
 */
final class ScriptedServer implements AutoCloseable {

  /** How a reply misbehaves. */
  enum Fault {
    /** Answer normally. */
    NONE,
    /** Promise a body, send part of it, close the connection. */
    DROP_CONNECTION,
    /** Never answer (until the server closes). */
    HANG
  }

  /** A queued reply. */
  static final class Reply {
    final int status;
    final String body;
    final Map<String, String> headers = new LinkedHashMap<>();
    Fault fault = Fault.NONE;

    Reply(int status, String body) {
      this.status = status;
      this.body = body;
    }

    Reply header(String name, String value) {
      headers.put(name, value);
      return this;
    }
  }

  /** A request as the server saw it. */
  record Recorded(String method, String path, String rawQuery, Map<String, List<String>> headers, String body) {
    String header(String name) {
      List<String> values = headers.get(name.toLowerCase());
      return values == null ? null : values.get(0);
    }

    /** Decoded query parameters in order, keys repeated. */
    List<Map.Entry<String, String>> query() {
      List<Map.Entry<String, String>> pairs = new ArrayList<>();
      if (rawQuery == null || rawQuery.isEmpty()) {
        return pairs;
      }
      for (String pair : rawQuery.split("&")) {
        int eq = pair.indexOf('=');
        pairs.add(Map.entry(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8)));
      }
      return pairs;
    }

    List<String> queryValues(String key) {
      return query().stream().filter(e -> e.getKey().equals(key)).map(Map.Entry::getValue).toList();
    }
  }

  static Reply json(int status, String body) {
    return new Reply(status, body).header("Content-Type", "application/json");
  }

  static Reply apiError(int status, String code, String message) {
    return json(status, "{\"error\":{\"code\":\"" + code + "\",\"message\":\"" + message + "\",\"details\":null}}")
        .header("X-Correlation-Id", "corr-" + code);
  }

  static Reply dropConnection() {
    Reply reply = new Reply(200, "");
    reply.fault = Fault.DROP_CONNECTION;
    return reply;
  }

  static Reply hang() {
    Reply reply = new Reply(200, "");
    reply.fault = Fault.HANG;
    return reply;
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final BlockingQueue<Reply> replies = new LinkedBlockingQueue<>();
  private final List<Recorded> recorded = new ArrayList<>();
  private final CountDownLatch closing = new CountDownLatch(1);

  ScriptedServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  URI baseUrl() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
  }

  URI rootUrl() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  ScriptedServer enqueue(Reply... more) {
    replies.addAll(List.of(more));
    return this;
  }

  synchronized List<Recorded> requests() {
    return List.copyOf(recorded);
  }

  Recorded request(int index) {
    return requests().get(index);
  }

  private void handle(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), List.copyOf(v)));
    synchronized (this) {
      recorded.add(new Recorded(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
          exchange.getRequestURI().getRawQuery(), headers, body));
    }
    Reply reply = replies.poll();
    if (reply == null) {
      reply = json(599, "{\"error\":{\"code\":\"unscripted\",\"message\":\"no reply queued\"}}");
    }
    try (exchange) {
      if (reply.fault == Fault.HANG) {
        try {
          closing.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return;
      }
      reply.headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
      if (reply.fault == Fault.DROP_CONNECTION) {
        exchange.sendResponseHeaders(200, 1000);
        exchange.getResponseBody().write("{\"floating_ip\":".getBytes(StandardCharsets.UTF_8));
        exchange.getResponseBody().flush();
        return; // closing with 986 bytes missing
      }
      byte[] bytes = reply.body.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(reply.status, bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    }
  }

  @Override
  public void close() {
    closing.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
