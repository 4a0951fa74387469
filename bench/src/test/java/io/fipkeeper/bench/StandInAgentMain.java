package io.fipkeeper.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A crude stand-in for the fipkeeper agent, JDK only, used to exercise the testbed before the real agent
 * exists: lease + create-if-absent key through etcd's JSON gateway, assign through the simulator, bind with
 * {@code ip addr}, /status with the contract's fields, resign on SIGTERM. Not a correctness reference.
 */
public final class StandInAgentMain {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
  private static volatile String state = "STANDBY";
  private static volatile String leader;
  private static volatile boolean bound;
  private static volatile long epoch;
  private static volatile boolean stopping;

  private StandInAgentMain() {}

  public static void main(String[] args) throws Exception {
    String yaml = Files.readString(Path.of(args[2]));
    String node = value(yaml, "node");
    String api = value(yaml, "endpoint");
    String meta = value(yaml, "metadataUrl");
    List<String> etcd = new ArrayList<>();
    Matcher m = Pattern.compile("- \"([^\"]+)\"").matcher(yaml);
    while (m.find()) {
      etcd.add(m.group(1));
    }
    long ttl = Long.parseLong(value(yaml, "leaseTtl").replace("s", ""));
    String iface = value(yaml, "interface");
    boolean realBinder = value(yaml, "binder").equals("ip");
    String[] listen = value(yaml, "listen").split(":");
    String token = Files.readString(Path.of(value(yaml, "tokenFile"))).strip();
    String serverId = field(get(meta, null), "instance-id: (\\d+)");
    String fipList = get(api + "/floating_ips", token);
    String fipId = field(fipList, "\"id\":(\\d+)");
    String fip = field(fipList, "\"ip\":\"([0-9.]+)\"");

    HttpServer http = HttpServer.create(new InetSocketAddress(listen[0], Integer.parseInt(listen[1])), 16);
    http.createContext("/status", ex -> {
      byte[] b = ("{\"node\":\"" + node + "\",\"serverId\":\"" + serverId + "\",\"state\":\"" + state
          + "\",\"leader\":" + (leader == null ? "null" : "\"" + leader + "\"") + ",\"floatingIp\":\"" + fip
          + "\",\"assignedServer\":null,\"bound\":" + bound + ",\"epoch\":" + epoch
          + ",\"apiserverHealthy\":true}").getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, b.length);
      try (OutputStream o = ex.getResponseBody()) {
        o.write(b);
      }
    });
    http.start();
    if (realBinder) {
      run("ip", "addr", "del", fip + "/32", "dev", iface);
    }
    String key = b64("/standin/leader");
    String lease = field(etcdPost(etcd, "/v3/lease/grant", "{\"TTL\":" + ttl + "}"), "\"ID\":\"(\\d+)\"");
    Thread main = Thread.currentThread();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stopping = true;
      state = "STEPPING_DOWN";
      try {
        etcdPost(etcd, "/v3/lease/revoke", "{\"ID\":\"" + lease + "\"}");
        if (bound) {
          long end = System.nanoTime() + 5_000_000_000L;
          while (System.nanoTime() < end && get(api + "/floating_ips/" + fipId, token).contains("\"server\":" + serverId + ",")) {
            Thread.sleep(100);
          }
          run("ip", "addr", "del", fip + "/32", "dev", iface);
        }
      } catch (Exception e) {
        // best effort
      }
      main.interrupt();
    }));
    while (!stopping) {
      try {
        etcdPost(etcd, "/v3/lease/keepalive", "{\"ID\":\"" + lease + "\"}");
        String txn = etcdPost(etcd, "/v3/kv/txn", "{\"compare\":[{\"key\":\"" + key + "\",\"target\":\"CREATE\","
            + "\"create_revision\":\"0\"}],\"success\":[{\"request_put\":{\"key\":\"" + key + "\",\"value\":\""
            + b64(node) + "\",\"lease\":\"" + lease + "\"}}],\"failure\":[{\"request_range\":{\"key\":\"" + key + "\"}}]}");
        if (txn.contains("\"succeeded\":true")) {
          epoch++;
          state = "ACQUIRING";
          leader = node;
          post(api + "/floating_ips/" + fipId + "/actions/assign", token, "{\"server\":" + serverId + "}");
          while (!get(api + "/floating_ips/" + fipId, token).contains("\"server\":" + serverId + ",")) {
            Thread.sleep(100);
          }
          if (realBinder) {
            run("ip", "addr", "replace", fip + "/32", "dev", iface);
          }
          bound = true;
          state = "LEADING";
        } else if (!txn.contains("\"value\":\"" + b64(node) + "\"")) {
          String v = field(txn, "\"value\":\"([^\"]+)\"");
          leader = v == null ? null : new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8);
          if (bound && realBinder) {
            run("ip", "addr", "del", fip + "/32", "dev", iface);
          }
          bound = false;
          state = "STANDBY";
        }
        Thread.sleep(ttl * 1000 / 3);
      } catch (InterruptedException e) {
        break;
      } catch (Exception e) {
        state = "SUSPENDED";
        try {
          Thread.sleep(200);
        } catch (InterruptedException ie) {
          break;
        }
      }
    }
    Thread.sleep(Long.MAX_VALUE);
  }

  private static String etcdPost(List<String> endpoints, String path, String body) throws IOException {
    IOException last = null;
    for (String e : endpoints) {
      try {
        return post(e + path, null, body);
      } catch (IOException ex) {
        last = ex;
      }
    }
    throw last;
  }

  private static String get(String url, String token) throws IOException {
    return send(HttpRequest.newBuilder(URI.create(url)).GET(), token);
  }

  private static String post(String url, String token, String body) throws IOException {
    return send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body))
        .header("Content-Type", "application/json"), token);
  }

  private static String send(HttpRequest.Builder b, String token) throws IOException {
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    try {
      HttpResponse<String> r = HTTP.send(b.timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() >= 300) {
        throw new IOException("http " + r.statusCode());
      }
      return r.body();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  private static void run(String... argv) throws IOException, InterruptedException {
    new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String value(String yaml, String key) {
    return field(yaml, "(?m)^\\s*" + key + ": \"([^\"]*)\"");
  }

  private static String field(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    return m.find() ? m.group(1) : null;
  }
}
