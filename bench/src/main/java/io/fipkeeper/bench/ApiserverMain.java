package io.fipkeeper.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A node's kube-apiserver as far as the agent's probe and {@code kubectl} can tell: HTTPS with the testbed CA's
 * certificate on {@code --listen} (inside the node's namespace, so the node IP, the floating IP while bound and
 * 127.0.0.1 all reach it), answering {@code /readyz}, {@code /livez}, {@code /healthz}, {@code /version},
 * {@code /api}, {@code /apis}, {@code /api/v1} and {@code /api/v1/namespaces} with the shapes kubectl decodes.
 * Control on stdin, one command a line: {@code healthy true|false} and {@code probes} (answers
 * {@code probes <n>}, the number of health requests so far). Prints {@code listening <addr>} once serving and
 * exits when stdin closes, so it cannot outlive the harness.
 */
public final class ApiserverMain {
  private static final String VERSION = "{\"major\":\"1\",\"minor\":\"32\",\"gitVersion\":\"v1.32.3\","
      + "\"gitCommit\":\"0000000000000000000000000000000000000000\",\"gitTreeState\":\"clean\","
      + "\"buildDate\":\"2025-03-11T19:52:21Z\",\"goVersion\":\"go1.23.6\",\"compiler\":\"gc\",\"platform\":\"linux/amd64\"}";
  private static final String API_GROUPS = "{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[]}";
  private static final String CORE_RESOURCES = "{\"kind\":\"APIResourceList\",\"groupVersion\":\"v1\",\"resources\":["
      + "{\"name\":\"namespaces\",\"singularName\":\"namespace\",\"namespaced\":false,\"kind\":\"Namespace\","
      + "\"verbs\":[\"get\",\"list\"],\"shortNames\":[\"ns\"]}]}";

  private final AtomicBoolean healthy = new AtomicBoolean(true);
  private final AtomicLong probes = new AtomicLong();
  private final String node;
  private final String advertise;

  private ApiserverMain(String node, String advertise) {
    this.node = node;
    this.advertise = advertise;
  }

  public static void main(String[] args) throws Exception {
    String listen = null;
    String node = "node";
    String keystore = null;
    String advertise = null;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--listen" -> listen = args[i + 1];
        case "--node" -> node = args[i + 1];
        case "--keystore" -> keystore = args[i + 1];
        case "--advertise" -> advertise = args[i + 1];
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (listen == null || keystore == null) {
      System.err.println("usage: ApiserverMain --listen HOST:PORT --keystore FILE.p12 [--node NAME] [--advertise IP:PORT]");
      System.exit(2);
    }
    int colon = listen.lastIndexOf(':');
    InetSocketAddress address = new InetSocketAddress(listen.substring(0, colon),
        Integer.parseInt(listen.substring(colon + 1)));
    ApiserverMain api = new ApiserverMain(node, advertise == null ? listen : advertise);
    HttpsServer server = HttpsServer.create(address, 64);
    server.setHttpsConfigurator(new HttpsConfigurator(tls(Path.of(keystore))));
    server.createContext("/", api::handle);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.start();
    System.out.println("listening " + server.getAddress().getAddress().getHostAddress() + ":"
        + server.getAddress().getPort());
    System.out.flush();
    api.control(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
    server.stop(0);
    System.exit(0);
  }

  private static SSLContext tls(Path keystore) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      store.load(in, TestbedCa.KEYSTORE_PASSWORD.toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, TestbedCa.KEYSTORE_PASSWORD.toCharArray());
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    return ctx;
  }

  /** Reads commands until stdin closes. */
  private void control(BufferedReader in) throws IOException {
    String line;
    while ((line = in.readLine()) != null) {
      String cmd = line.strip();
      if (cmd.equals("healthy true") || cmd.equals("healthy false")) {
        healthy.set(cmd.endsWith("true"));
        System.out.println("ok");
      } else if (cmd.equals("probes")) {
        System.out.println("probes " + probes.get());
      } else {
        System.out.println("error unknown command " + cmd);
      }
      System.out.flush();
    }
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      switch (path) {
        case "/readyz", "/livez", "/healthz" -> health(ex, path.substring(1));
        case "/version" -> json(ex, 200, VERSION);
        case "/api" -> json(ex, 200, "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"],\"serverAddressByClientCIDRs\":"
            + "[{\"clientCIDR\":\"0.0.0.0/0\",\"serverAddress\":\"" + advertise + "\"}]}");
        case "/apis" -> json(ex, 200, API_GROUPS);
        case "/api/v1" -> json(ex, 200, CORE_RESOURCES);
        case "/api/v1/namespaces" -> json(ex, 200, "{\"kind\":\"NamespaceList\",\"apiVersion\":\"v1\","
            + "\"metadata\":{\"resourceVersion\":\"1\"},\"items\":[" + namespace("default") + ","
            + namespace("kube-system") + "]}");
        default -> json(ex, 404, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
            + "\"message\":\"the server could not find the requested resource\",\"reason\":\"NotFound\","
            + "\"details\":{},\"code\":404}");
      }
    }
  }

  private void health(HttpExchange ex, String check) throws IOException {
    probes.incrementAndGet();
    boolean ok = healthy.get();
    String body = ok ? "ok" : "[-]etcd failed: reason withheld\n" + check + " check failed";
    send(ex, ok ? 200 : 500, "text/plain; charset=utf-8", body);
  }

  private String namespace(String name) {
    return "{\"metadata\":{\"name\":\"" + name + "\",\"uid\":\"" + node + "-" + name + "\",\"resourceVersion\":\"1\","
        + "\"creationTimestamp\":\"2026-06-17T08:00:00Z\"},\"spec\":{\"finalizers\":[\"kubernetes\"]},"
        + "\"status\":{\"phase\":\"Active\"}}";
  }

  private static void json(HttpExchange ex, int status, String body) throws IOException {
    send(ex, status, "application/json", body);
  }

  private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }
}
