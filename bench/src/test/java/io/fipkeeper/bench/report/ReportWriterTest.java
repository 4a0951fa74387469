package io.fipkeeper.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Test
  void tablesUseNearestRankPercentilesOfTheTrials(@TempDir Path dir) throws Exception {
    Path results = Files.createDirectories(dir.resolve("results"));
    ObjectNode failover = file("failover");
    ArrayNode ms = failover.putArray("measurements");
    // crash recoveries 100, 200, ... 2000 ms in shuffled order; outages 10 ms below
    for (int i = 0; i < 20; i++) {
      long v = ((i * 7) % 20 + 1) * 100L;
      measurement(ms, "fipkeeper", "crash", i + 1, 0, v, v - 10, List.of());
    }
    measurement(ms, "fipkeeper", "graceful", 1, 0, 250, 0, List.of());
    measurement(ms, "fipkeeper", "graceful", 2, 0, 400, 0, List.of("two agents reported LEADING in the same poll"));
    ObjectNode steady = failover.putObject("steadyState").put("hcloudRequestsPerHour", 72.0).put("windowSeconds", 300)
        .put("apiRequests", 6).put("allRequestsIncludingMetadata", 9);
    steady.putObject("byEndpoint").put("GET_FLOATING_IP", 5).put("ASSIGN", 1);
    failover.putArray("rssMiB").add(80.5).add(90.0).add(85.0);
    ArrayNode ready = failover.putArray("startToReadyMs");
    for (long v : new long[] {900, 1100, 1000, 3000}) {
      ready.add(v);
    }
    MAPPER.writeValue(results.resolve("failover.json").toFile(), failover);

    ObjectNode chaos = file("chaos");
    ArrayNode cm = chaos.putArray("measurements");
    measurement(cm, "fipkeeper", "leader-sigkill", 1, 1000, 3000, 2900, List.of());
    measurement(cm, "keepalived", "leader-sigkill", 1, 1000, 5000, 4800, List.of());
    measurement(cm, "keepalived", "leader-sigkill", 2, 1000, -1, -1, List.of("no takeover"));
    MAPPER.writeValue(results.resolve("chaos.json").toFile(), chaos);

    Path md = dir.resolve("docs/benchmarks.md");
    ReportWriter.write(ReportWriter.readAll(results), md, dir.resolve("docs/benchmarks"), Instant.parse("2026-11-25T17:00:00Z"));
    String text = Files.readString(md);

    assertThat(text).contains("| fipkeeper | crash | 0 ms | 20 | 1000 ms | 2000 ms | 2000 ms | 990 ms | 1990 ms | 0 |");
    assertThat(text).contains("| fipkeeper | graceful | 0 ms | 2 | 250 ms | 400 ms | 400 ms | 0 ms | 0 ms | 1 |");
    assertThat(text).contains("| crash failover p99, action 0 ms (n=20) | 2000 ms | ≤ 2500 ms | PASS |");
    assertThat(text).contains("| graceful failover p99, action 0 ms (n=2) | 400 ms | ≤ 300 ms | **MISS** |");
    assertThat(text).contains("| steady-state Hetzner requests | 72 /h | ≤ 60 /h | **MISS** |");
    assertThat(text).contains("| agent RSS after steady state (max of agents) | 90 MiB | ≤ 96 MiB | PASS |");
    assertThat(text).contains("| start to ready p99 (n=4) | 3000 ms | ≤ 2000 ms | **MISS** |");
    assertThat(text).contains("| leader-sigkill | 1000 ms | 3000 ms / 3000 ms | 5000 ms / 5000 ms |");
    assertThat(text).contains("By endpoint: GET_FLOATING_IP 5, ASSIGN 1.")
        .contains("The window was not quiet: 1 assign means the leadership changed");
    assertThat(text).contains("Generated 2026-11-25T17:00:00Z").contains("4 cores").contains("nearest-rank");
    assertThat(text).contains("![failover time distributions](benchmarks/failover.png)");
    assertThat(ImageIO.read(dir.resolve("docs/benchmarks/failover.png").toFile())).isNotNull();
  }

  @Test
  void showsEachChaosScenarioWithItsRulesAndThePartitionAgainstEtcdsFloor(@TempDir Path dir) throws Exception {
    Path results = Files.createDirectories(dir.resolve("results"));
    ObjectNode chaos = file("chaos");
    chaos.putObject("rules").put("leader-partition", "recovery ≤ 6500 ms")
        .put("etcd-slow", "no leadership change; no assign; ≤ 5 Hetzner requests in the window")
        .put("address-removed", "recovery ≤ 3000 ms; no leadership change");
    ArrayNode cm = chaos.putArray("measurements");
    long[][] partition = {{3200, 2400}, {3600, 2500}, {4100, 2600}};
    for (int i = 0; i < partition.length; i++) {
      ObjectNode m = measurement(cm, "fipkeeper", "leader-partition", i + 1, 1000, partition[i][0], partition[i][0],
          List.of());
      m.put("floorMs", partition[i][1]);
    }
    measurement(cm, "keepalived", "leader-partition", 1, 1000, 4600, 5200, List.of());
    measurement(cm, "fipkeeper", "etcd-slow", 1, 1000, -1, 0, List.of()).put("hcloudRequests", 2);
    measurement(cm, "fipkeeper", "etcd-slow", 2, 1000, -1, 0, List.of("hetzner: 9 API requests")).put("hcloudRequests", 9);
    MAPPER.writeValue(results.resolve("chaos.json").toFile(), chaos);

    Path md = dir.resolve("docs/benchmarks.md");
    ReportWriter.write(ReportWriter.readAll(results), md, dir.resolve("docs/benchmarks"), Instant.parse("2026-12-01T17:00:00Z"));
    String text = Files.readString(md);

    assertThat(text).contains("## Partition failover against etcd's floor")
        .contains("| etcd floor (cut → leader key deleted, seen by the majority) | 3 | 2500 ms | 2600 ms | 2600 ms |")
        .contains("| fipkeeper recovery (cut → IP assigned and bound elsewhere) | 3 | 3600 ms | 4100 ms | 4100 ms |")
        .contains("| fipkeeper overhead over the floor (per trial) | 3 | 1100 ms | 1500 ms | 1500 ms |")
        .contains("| keepalived recovery (same bed) | 1 | 4600 ms | 4600 ms | 4600 ms |")
        .contains("| partition p99 ≤ keepalived's p99 | 4100 ms | ≤ 4600 ms | PASS |")
        .contains("| partition p99 ≤ floor p99 + action (1000 ms) + 500 ms | 4100 ms | ≤ 4100 ms | PASS |");
    assertThat(text).contains("## Chaos scenarios: rules and results")
        .contains("| etcd-slow | no leadership change; no assign; ≤ 5 Hetzner requests in the window | 2 | – / – | 0 ms / 0 ms | 9 | 1 |")
        .contains("| leader-partition | recovery ≤ 6500 ms | 3 | 3600 ms / 4100 ms | 3600 ms / 4100 ms | – | 0 |")
        .doesNotContain("| address-removed |");
  }

  @Test
  void kubectlsViewOfTheReplacementTrialsStandsNextToTheRecoveryTimes(@TempDir Path dir) throws Exception {
    Path results = Files.createDirectories(dir.resolve("results"));
    ObjectNode chaos = file("chaos");
    ArrayNode cm = chaos.putArray("measurements");
    measurement(cm, "fipkeeper", "leader-sigkill", 1, 1000, 3000, 2900, List.of());
    measurement(cm, "fipkeeper", "replace-leader", 1, 1000, 3000, 2900, List.of());
    measurement(cm, "fipkeeper", "replace-leader", 2, 1000, 6000, 5900, List.of("recovery: took 6000 ms"));
    measurement(cm, "fipkeeper", "replace-leader", 3, 1000, 4000, 3900, List.of());
    long[][] kubectl = {{40, 8, 1600, 8000}, {50, 25, 5000, 11_000}, {45, 12, 2400, 9000}};
    for (int i = 0; i < 3; i++) {
      ((ObjectNode) cm.get(i + 1)).put("kubectlCalls", kubectl[i][0]).put("kubectlFailures", kubectl[i][1])
          .put("kubectlOutageMs", kubectl[i][2]).put("durationMs", kubectl[i][3]);
    }
    MAPPER.writeValue(results.resolve("chaos-replace.json").toFile(), chaos);

    Path md = dir.resolve("docs/benchmarks.md");
    ReportWriter.write(ReportWriter.readAll(results), md, dir.resolve("docs/benchmarks"), Instant.parse("2026-11-25T17:00:00Z"));
    String text = Files.readString(md);

    assertThat(text).contains("## The operator's view: kubectl through the floating IP")
        .contains("| fipkeeper | replace-leader | 3 | 4000 / 6000 | 3900 / 5900 | 45 of 135 | 2400 / 5000 | 9 / 11 | 1 |")
        .doesNotContain("| fipkeeper | leader-sigkill | 1 | 3000");
  }

  @Test
  void noResultsDirectoryMeansNoFiles(@TempDir Path dir) {
    assertThat(ReportWriter.readAll(dir.resolve("missing"))).isEmpty();
  }

  @Test
  void severalChaosFilesGetOneTableEachNamedByTheirFile(@TempDir Path dir) throws Exception {
    Path results = Files.createDirectories(dir.resolve("results"));
    ObjectNode suite = file("chaos");
    suite.putObject("rules").put("leader-sigkill", "recovery ≤ 5500 ms");
    measurement(suite.putArray("measurements"), "fipkeeper", "leader-sigkill", 1, 1000, 2700, 2700, List.of());
    MAPPER.writeValue(results.resolve("chaos.json").toFile(), suite);
    ObjectNode replace = file("chaos");
    replace.putObject("rules").put("replace-standby", "common rules only");
    measurement(replace.putArray("measurements"), "fipkeeper", "replace-standby", 1, 1000, -1, 0, List.of());
    MAPPER.writeValue(results.resolve("chaos-replace.json").toFile(), replace);

    Path md = dir.resolve("docs/benchmarks.md");
    ReportWriter.write(ReportWriter.readAll(results), md, dir.resolve("docs/benchmarks"), Instant.parse("2026-12-01T17:00:00Z"));
    String text = Files.readString(md);

    assertThat(text).contains("## Chaos scenarios: rules and results (`chaos.json`)")
        .contains("## Chaos scenarios: rules and results (`chaos-replace.json`)")
        .contains("| leader-sigkill | recovery ≤ 5500 ms | 1 |").contains("| replace-standby | common rules only | 1 |");
    assertThat(text.split("Every trial is also held to the common rules", -1)).hasSize(2);
  }

  @Test
  void aScenarioRunInSeveralFilesIsSummedUpFromTheNewestRunOnly(@TempDir Path dir) throws Exception {
    Path results = Files.createDirectories(dir.resolve("results"));
    ObjectNode before = file("chaos");
    before.putObject("rules").put("token-revoked", "no flapping");
    ArrayNode old = before.putArray("measurements");
    measurement(old, "fipkeeper", "token-revoked", 1, 1000, -1, 26000, List.of("flapping: 3 new terms"));
    measurement(old, "fipkeeper", "leader-sigkill", 1, 1000, 2700, 2700, List.of());
    MAPPER.writeValue(results.resolve("chaos.json").toFile(), before);
    ObjectNode rerun = file("chaos");
    rerun.put("startedAt", "2026-12-01T21:00:00Z");
    rerun.putObject("rules").put("token-revoked", "recovery ≤ 3500 ms");
    measurement(rerun.putArray("measurements"), "fipkeeper", "token-revoked", 1, 1000, 1400, 27000, List.of());
    MAPPER.writeValue(results.resolve("chaos-token.json").toFile(), rerun);

    Path md = dir.resolve("docs/benchmarks.md");
    ReportWriter.write(ReportWriter.readAll(results), md, dir.resolve("docs/benchmarks"), Instant.parse("2026-12-01T22:00:00Z"));
    String text = Files.readString(md);

    String summary = text.substring(text.indexOf("## Failover times"), text.indexOf("## Chaos scenarios"));
    assertThat(summary).contains("| fipkeeper | token-revoked | 1000 ms | 1 | 1400 ms |")
        .contains("| fipkeeper | leader-sigkill | 1000 ms | 1 | 2700 ms |").doesNotContain("| 2 |");
    assertThat(text).as("the older file's own table keeps its trial").contains("| token-revoked | no flapping | 1 |");
  }

  private static ObjectNode file(String kind) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("kind", kind).put("startedAt", "2026-11-25T16:00:00Z");
    o.putObject("machine").put("cores", 4).put("memGiB", 8.0).put("kernel", "6.1.0").put("java", "OpenJDK 17");
    o.putObject("settings").put("command", "bench " + kind).put("leaseTtlSeconds", 2).put("jvmFlags", "-Xmx48m");
    return o;
  }

  private static ObjectNode measurement(ArrayNode a, String tool, String scenario, int trial, long action, long recovery,
      long outage, List<String> violations) {
    ObjectNode m = a.addObject();
    m.put("tool", tool).put("scenario", scenario).put("trial", trial).put("actionMs", action)
        .put("recoveryMs", recovery).put("outageMs", outage).put("ok", violations.isEmpty());
    violations.forEach(m.putArray("violations")::add);
    return m;
  }
}
