package io.fipkeeper.hcloudsim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Conformance against a client nobody here wrote: Hetzner's own CLI (Debian's {@code hcloud-cli}, built on
 * hcloud-go) pointed at the simulator with {@code HCLOUD_ENDPOINT}. Each test runs the real binary, then checks
 * both what it printed and what the simulator recorded. Skipped with a message when {@code hcloud} is not
 * installed, except under CI ({@code CI} set), where {@code make deps} installs it and a missing binary fails.
 */
@Timeout(120)
class HcloudCliConformanceTest {
  private static final Path HCLOUD = Path.of("/usr/bin/hcloud");
  private static final String TOKEN = "cli-token-0123456789";

  @TempDir
  Path home;
  private HcloudSimulator sim;
  private long cp1;
  private long cp2;
  private long cp3;
  private long fip;

  @BeforeAll
  static void requireCli() {
    if (!Files.isExecutable(HCLOUD)) {
      if (System.getenv("CI") != null) {
        throw new AssertionError(HCLOUD + " is missing: make deps installs Debian's hcloud-cli");
      }
      assumeTrue(false, HCLOUD + " not installed (apt-get install hcloud-cli, or make deps): CLI conformance skipped");
    }
  }

  @BeforeEach
  void start() {
    // actions take a moment, so the CLI really polls them
    sim = HcloudSimulator.builder().token("cli", TOKEN).actionDuration(Duration.ofMillis(300)).build().start();
    cp1 = sim.createServer("cp-1", "198.51.100.11");
    cp2 = sim.createServer("cp-2", "198.51.100.12");
    cp3 = sim.createServer("cp-3", "198.51.100.13");
    fip = sim.createFloatingIp("k8s-api", "203.0.113.10", Map.of());
    sim.assignDirectly(fip, cp1);
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  @Test
  void floatingIpListAndDescribeShowWhatTheApiHolds() {
    JsonNode list = json(ok("floating-ip", "list", "-o", "json"));
    String table = ok("floating-ip", "list");
    String described = ok("floating-ip", "describe", "k8s-api");

    assertThat(list).hasSize(1);
    assertThat(list.get(0).get("id").asLong()).isEqualTo(fip);
    assertThat(list.get(0).get("ip").asText()).isEqualTo("203.0.113.10");
    assertThat(list.get(0).get("server").asLong()).isEqualTo(cp1);
    assertThat(list.get(0).at("/home_location/name").asText()).isEqualTo("fsn1");
    // the CLI shows server names, which it looks up with GET /servers
    assertThat(table.lines().skip(1)).singleElement().asString().contains("k8s-api", "203.0.113.10", "cp-1");
    assertThat(described).contains("Name:\t\tk8s-api", "IP:\t\t203.0.113.10", "Name:\tcp-1");
    RecordedRequest byName = request("GET", "/v1/floating_ips?name=k8s-api");
    assertThat(byName.header("authorization")).isEqualTo("Bearer <redacted>");
    assertThat(byName.header("user-agent")).startsWith("hcloud-cli/");
    assertThat(sim.requests()).allMatch(r -> r.status() == 200, "every CLI request answered 200");
  }

  @Test
  void assignAndUnassignWaitForTheirActionsAndMoveTheIp() {
    String assigned = ok("floating-ip", "assign", "k8s-api", "cp-2");

    assertThat(assigned).contains("Floating IP " + fip + " assigned to server " + cp2);
    assertThat(sim.floatingIpServer(fip)).as("the CLI returned after the action succeeded").isEqualTo(cp2);
    assertThat(request("POST", "/v1/floating_ips/" + fip + "/actions/assign").body()).contains("\"server\":" + cp2);
    assertThat(sim.requests()).anyMatch(r -> r.path().startsWith("/v1/actions?id="));

    String unassigned = ok("floating-ip", "unassign", "k8s-api");

    assertThat(unassigned).contains("Floating IP " + fip + " unassigned");
    assertThat(sim.floatingIpServer(fip)).isNull();
    assertThat(sim.history()).extracting(c -> c.path() + " " + c.tokenLabel() + " " + c.httpStatus()).containsExactly(
        "/v1/floating_ips/" + fip + "/actions/assign cli 201", "/v1/floating_ips/" + fip + "/actions/unassign cli 201");
  }

  @Test
  void serverListFollowsPaginationAndDescribeShowsAddressesAndFloatingIps() {
    for (int i = 4; i <= 60; i++) {
      sim.createServer("cp-" + i, "198.51.100." + (10 + i));
    }

    JsonNode list = json(ok("server", "list", "-o", "json"));
    String table = ok("server", "list", "-o", "columns=id,name,ipv4,status");
    String described = ok("server", "describe", "cp-1");

    assertThat(list).hasSize(60);
    assertThat(list.get(59).get("name").asText()).isEqualTo("cp-60");
    assertThat(sim.requests()).anyMatch(r -> r.path().startsWith("/v1/servers?") && r.path().contains("page=2"));
    assertThat(table).containsPattern(cp2 + "\\s+cp-2\\s+198\\.51\\.100\\.12\\s+running");
    assertThat(described).contains("Name:\t\tcp-1", "Status:\t\trunning", "IP:\t\t198.51.100.11",
        "IP:\t\t\t203.0.113.10", "Name:\t\tfsn1-dc14");
    assertThat(sim.requests()).allMatch(r -> r.status() == 200, "every CLI request answered 200");
  }

  @Test
  void serverDeleteUnassignsItsFloatingIpAndTheHistoryNamesTheCaller() {
    sim.assignDirectly(fip, cp3);

    String deleted = ok("server", "delete", "cp-3");
    Result describe = run(TOKEN, "server", "describe", "cp-3");

    assertThat(deleted).contains("Server cp-3 deleted");
    assertThat(sim.floatingIpServer(fip)).isNull();
    assertThat(sim.history()).singleElement().satisfies(c -> {
      assertThat(c.method()).isEqualTo("DELETE");
      assertThat(c.serverId()).isEqualTo(cp3);
      assertThat(c.floatingIpId()).isEqualTo(fip);
      assertThat(c.tokenLabel()).isEqualTo("cli");
    });
    assertThat(describe.exit()).isEqualTo(1);
    assertThat(describe.stderr()).contains("server not found: cp-3");
    assertThat(json(ok("server", "list", "-o", "json"))).extracting(n -> n.get("id").asLong())
        .containsExactly(cp1, cp2);
  }

  @Test
  void updateAndLabelsArePutRequests() {
    ok("floating-ip", "update", "k8s-api", "--description", "stable API endpoint");
    ok("floating-ip", "add-label", "k8s-api", "cluster=prod");

    JsonNode f = json(ok("floating-ip", "describe", "k8s-api", "-o", "json"));

    assertThat(f.get("description").asText()).isEqualTo("stable API endpoint");
    assertThat(f.at("/labels/cluster").asText()).isEqualTo("prod");
    assertThat(sim.requests()).filteredOn(r -> r.method().equals("PUT")).hasSize(2)
        .allMatch(r -> r.path().equals("/v1/floating_ips/" + fip) && r.status() == 200);
  }

  @Test
  void aWrongTokenIsRefusedWithTheApiMessageAndChangesNothing() {
    Result r = run("not-the-token", "floating-ip", "assign", "k8s-api", "cp-2");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.stderr()).contains("unable to authenticate (unauthorized)");
    assertThat(r.stdout() + r.stderr()).doesNotContain("not-the-token");
    assertThat(sim.requests()).isNotEmpty().allMatch(q -> q.status() == 401 && q.tokenLabel() == null);
    assertThat(sim.floatingIpServer(fip)).isEqualTo(cp1);
  }

  @Test
  void anUnavailableApiIsReportedWithItsCode() {
    sim.inject(FaultRule.builder(Fault.UNAVAILABLE_503).endpoint(Endpoint.LIST_SERVERS).build());

    Result r = run(TOKEN, "server", "list");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.stderr()).contains("(unavailable)");
  }

  private String ok(String... args) {
    Result r = run(TOKEN, args);
    assertThat(r.exit()).as("hcloud %s\nstdout: %s\nstderr: %s", String.join(" ", args), r.stdout(), r.stderr())
        .isZero();
    return r.stdout();
  }

  private Result run(String token, String... args) {
    List<String> argv = new ArrayList<>(List.of(HCLOUD.toString()));
    argv.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Map<String, String> env = pb.environment();
    env.put("HCLOUD_ENDPOINT", sim.apiUrl().toString());
    env.put("HCLOUD_TOKEN", token);
    env.put("HCLOUD_CONFIG", home.resolve("cli.toml").toString());
    env.put("HOME", home.toString());
    env.remove("HCLOUD_CONTEXT");
    try {
      Path out = Files.createTempFile(home, "out", ".txt");
      Path err = Files.createTempFile(home, "err", ".txt");
      Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("hcloud " + String.join(" ", args) + " did not finish in 60 s");
      }
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new AssertionError("cannot run " + HCLOUD + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private RecordedRequest request(String method, String path) {
    return sim.requests().stream().filter(r -> r.method().equals(method) && r.path().equals(path)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + method + " " + path + " among " + sim.requests().stream()
            .map(r -> r.method() + " " + r.path()).toList()));
  }

  private static JsonNode json(String text) {
    try {
      return SimClient.JSON.readTree(text);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }

  private record Result(int exit, String stdout, String stderr) {}
}
