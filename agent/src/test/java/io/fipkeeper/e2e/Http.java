package io.fipkeeper.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Plain GETs against an agent's HTTP endpoint, each with a deadline. */
final class Http {
  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(2)).version(HttpClient.Version.HTTP_1_1).build();

  private Http() {}

  /** Headers and body of {@code /status}, {@code /metrics}, {@code /healthz} and {@code /readyz} of every node. */
  static List<String> everyPath(List<AgentCluster.Node> nodes) throws IOException, InterruptedException {
    List<String> bodies = new ArrayList<>();
    for (AgentCluster.Node n : nodes) {
      for (String path : List.of("/status", "/metrics", "/healthz", "/readyz")) {
        HttpResponse<String> r = get(n.httpBase(), path);
        bodies.add(r.headers().map() + "\n" + r.body());
      }
    }
    return bodies;
  }

  static HttpResponse<String> get(URI base, String path) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(5)).GET().build();
    return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
