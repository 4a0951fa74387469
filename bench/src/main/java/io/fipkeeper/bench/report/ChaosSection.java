package io.fipkeeper.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;

/**
 * The report's chaos sections: every fipkeeper scenario with the rules it is held to and what the trials showed
 * (recovery, outage, the Hetzner requests of the window where counted, violations), and the partition failover set
 * against etcd's floor on the same bed, with fipkeeper's overhead over it and keepalived next to it.
 */
final class ChaosSection {
  private static final String FIPKEEPER = "fipkeeper";

  private ChaosSection() {}

  /**
   * The scenario table of every chaos results file that lists its rules; empty when none does. {@code make bench}
   * writes several chaos files (the suite, the node replacements): one table each, named by its file.
   */
  static String scenarios(List<ResultsFile> files) {
    List<ResultsFile> withRules = files.stream()
        .filter(f -> f.kind().equals("chaos") && f.raw().path("rules").isObject() && !f.raw().path("rules").isEmpty())
        .toList();
    StringBuilder b = new StringBuilder();
    for (ResultsFile f : withRules) {
      b.append("## Chaos scenarios: rules and results");
      if (withRules.size() > 1) {
        b.append(" (`").append(f.path().getFileName()).append("`)");
      }
      b.append("\n\n");
      if (f == withRules.get(0)) {
        b.append("Every trial is also held to the common rules: only the current leader assigns (fencing), the IP is ")
            .append("never unassigned, after settling one node has the address and Hetzner routes the IP to it. ")
            .append("Recovery and outage as above; `leader-crash-restart`'s outage is measured at each node's own ")
            .append("service on the floating IP (port 9443, a plain HTTP stand-in for the node's services), since the ")
            .append("agent's own port is dark while its JVM restarts whatever the agent does. Hetzner requests: API ")
            .append("requests (metadata excluded) during the fault window, where the scenario counts them.\n\n");
      }
      b.append(scenarioTable(f)).append('\n');
    }
    return b.toString();
  }

  private static String scenarioTable(ResultsFile f) {
    JsonNode rules = f.raw().path("rules");
    StringBuilder b = new StringBuilder("| scenario | rules | n | recovery p50 / max | client outage p50 / max | ")
        .append("Hetzner requests max | trials with violations |\n|---|---|---:|---:|---:|---:|---:|\n");
    var names = rules.fieldNames();
    while (names.hasNext()) {
      String id = names.next();
      List<Measurement> ms = f.measurements().stream()
          .filter(m -> m.tool().equals(FIPKEEPER) && m.scenario().equals(id)).toList();
      if (ms.isEmpty()) {
        continue;
      }
      ReportTables.Stat rec = ReportTables.stat(ms, Measurement::recoveryMs);
      ReportTables.Stat out = ReportTables.stat(ms, Measurement::outageMs);
      List<Long> requests = values(ms, Measurement::hcloudRequests);
      b.append(String.format(Locale.ROOT, "| %s | %s | %d | %s / %s | %s / %s | %s | %d |%n", id,
          rules.get(id).asText(), ms.size(), rec.p50(), rec.max(), out.p50(), out.max(),
          requests.isEmpty() ? "–" : Long.toString(requests.stream().mapToLong(Long::longValue).max().orElse(0)),
          ms.stream().filter(m -> !m.ok()).count()));
    }
    return b.toString();
  }

  /**
   * fipkeeper's partition recovery next to etcd's floor and keepalived's, with issue 9's targets: p99 at most
   * keepalived's p99, and at most the floor's p99 + action + 500 ms. Empty when no trial measured the floor.
   */
  static String partition(List<Measurement> all) {
    List<Measurement> fk = all.stream()
        .filter(m -> m.tool().equals(FIPKEEPER) && m.scenario().equals("leader-partition")).toList();
    List<Measurement> floored = fk.stream().filter(m -> m.floorMs() >= 0 && m.recoveryMs() >= 0).toList();
    if (floored.isEmpty()) {
      return "";
    }
    List<Measurement> ka = all.stream()
        .filter(m -> m.tool().equals("keepalived") && m.scenario().equals("leader-partition")).toList();
    List<Long> floor = values(floored, Measurement::floorMs);
    List<Long> recovery = values(fk, Measurement::recoveryMs);
    List<Long> overhead = floored.stream().map(m -> m.recoveryMs() - m.floorMs()).toList();
    List<Long> keepalived = values(ka, Measurement::recoveryMs);
    StringBuilder b = new StringBuilder("## Partition failover against etcd's floor\n\n");
    b.append("etcd's floor is measured in the same trials: from the cut until a member of the majority no longer has ")
        .append("the cut-off leader's election key (its lease expired there; polled every 10 ms). No agent can win ")
        .append("before that, so recovery minus floor (per trial) is what fipkeeper itself adds: campaign, fence, ")
        .append("the assign action and binding.\n\n");
    b.append("| | n | p50 | p99 | max |\n|---|---:|---:|---:|---:|\n");
    row(b, "etcd floor (cut → leader key deleted, seen by the majority)", floor);
    row(b, "fipkeeper recovery (cut → IP assigned and bound elsewhere)", recovery);
    row(b, "fipkeeper overhead over the floor (per trial)", overhead);
    if (!keepalived.isEmpty()) {
      row(b, "keepalived recovery (same bed)", keepalived);
    }
    long action = fk.get(0).actionMs();
    double p99 = new Percentiles(recovery).p99();
    b.append("\n| target (issue 9) | reached | target | |\n|---|---:|---:|---|\n");
    if (!keepalived.isEmpty()) {
      double kp99 = new Percentiles(keepalived).p99();
      verdict(b, "partition p99 ≤ keepalived's p99", p99, kp99);
    }
    double limit = new Percentiles(floor).p99() + action + 500;
    verdict(b, "partition p99 ≤ floor p99 + action (" + action + " ms) + 500 ms", p99, limit);
    return b.append('\n').toString();
  }

  private static void row(StringBuilder b, String what, List<Long> v) {
    Percentiles p = new Percentiles(v);
    b.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s |%n", what, p.count(), ReportTables.ms(p.p50()),
        ReportTables.ms(p.p99()), ReportTables.ms(p.max())));
  }

  private static void verdict(StringBuilder b, String what, double reached, double limit) {
    b.append(String.format(Locale.ROOT, "| %s | %s | ≤ %s | %s |%n", what, ReportTables.ms(reached),
        ReportTables.ms(limit), reached <= limit ? "PASS" : "**MISS**"));
  }

  private static List<Long> values(List<Measurement> ms, ToLongFunction<Measurement> f) {
    List<Long> out = new ArrayList<>();
    ms.forEach(m -> {
      long v = f.applyAsLong(m);
      if (v >= 0) {
        out.add(v);
      }
    });
    return out;
  }
}
