package io.fipkeeper.bench.keepalived;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * What answers on the floating IP when keepalived (not an agent) moves it: a tiny HTTP server on a node that
 * serves {@code {"node":"<name>"}} on every path, so the outside prober measures keepalived's outage exactly as
 * it measures fipkeeper's. Exits when its stdin closes (the harness is gone).
 */
public final class StatusResponderMain {
  private StatusResponderMain() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: StatusResponderMain <node> <port>");
      System.exit(2);
    }
    byte[] body = ("{\"node\":\"" + args[0] + "\"}").getBytes(StandardCharsets.UTF_8);
    HttpServer server = HttpServer.create(new InetSocketAddress("0.0.0.0", Integer.parseInt(args[1])), 32);
    server.createContext("/", exchange -> {
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    System.out.println("serving node=" + args[0] + " port=" + args[1]);
    while (System.in.read() >= 0) {
      // the harness never writes; EOF means it is gone
    }
    System.exit(0);
  }
}
