package io.fipkeeper.hcloudsim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class SimulatorMainTest {
  @Test
  void badFlagsExitWithCode2() {
    assertThat(SimulatorMain.run(new String[] {"--bogus"})).isEqualTo(2);
    assertThat(SimulatorMain.run(new String[] {"--server", "no-equals-sign"})).isEqualTo(2);
    assertThat(SimulatorMain.run(new String[] {"--action-duration", "soon"})).isEqualTo(2);
    assertThat(SimulatorMain.run(new String[] {"--port", "0", "--token", "a", "--token-file", "/nonexistent"}))
        .isEqualTo(2);
    assertThat(SimulatorMain.run(new String[] {"--port", "0", "--floating-ip", "f=203.0.113.1", "--assign",
        "f=ghost"})).isEqualTo(2);
    assertThat(SimulatorMain.run(new String[] {"--port", "0", "--server-ip-pool", "198.51.100.30-198.51.100.20"}))
        .isEqualTo(2);
    assertThat(SimulatorMain.run(new String[] {"--port", "0", "--server-ip-pool", "not-an-address"})).isEqualTo(2);
    assertThat(SimulatorMain.run(new String[] {"--port", "0", "--extra-token", "operator"})).isEqualTo(2);
  }

  @Test
  void standaloneProcessPrintsObjectsServesTheApiAndStopsOnSigterm(@TempDir Path dir) throws Exception {
    Path tokenFile = Files.writeString(dir.resolve("token"), "file-secret\n");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        "io.fipkeeper.hcloudsim.SimulatorMain", "--port", "0", "--token-file", tokenFile.toString(),
        "--server", "cp-1=198.51.100.11", "--server", "cp-2=198.51.100.12",
        "--floating-ip", "k8s-api=203.0.113.10", "--assign", "k8s-api=cp-1")
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      List<String> lines = new ArrayList<>();
      String line;
      while ((line = out.readLine()) != null) {
        lines.add(line);
        if (line.startsWith("listening on ")) {
          break;
        }
      }
      assertThat(lines).contains("server cp-1 id=1 ip=198.51.100.11", "floating_ip k8s-api id=1 ip=203.0.113.10",
          "assigned k8s-api to cp-1");
      assertThat(lines.get(lines.size() - 1)).startsWith("listening on http://127.0.0.1:");
      URI root = URI.create(lines.get(lines.size() - 1).substring("listening on ".length()));

      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> fip = http.send(HttpRequest.newBuilder(root.resolve("/v1/floating_ips/1"))
          .header("Authorization", "Bearer file-secret").timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(fip.statusCode()).isEqualTo(200);
      assertThat(SimClient.JSON.readTree(fip.body()).at("/floating_ip/server").asLong()).isEqualTo(1);

      p.destroy();
      assertThat(p.waitFor(15, TimeUnit.SECONDS)).as("process stops on SIGTERM").isTrue();
    } finally {
      p.destroyForcibly();
    }
  }
}
