package io.fipkeeper.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report's "operator's view": for the trials that ran the real kubectl (the node replacement scenarios),
 * kubectl's failed calls and outage next to the recovery and probe outage the other tables show, and how long a
 * trial took. Read from the chaos results' raw measurements (fields kubectlCalls, kubectlFailures,
 * kubectlOutageMs, durationMs), so results without them render nothing.
 */
final class KubectlSection {
  private KubectlSection() {}

  static String render(List<ResultsFile> files) {
    Map<String, List<JsonNode>> byScenario = new LinkedHashMap<>();
    for (ResultsFile f : files) {
      for (JsonNode m : f.raw().path("measurements")) {
        if (m.path("kubectlCalls").isNumber()) {
          byScenario.computeIfAbsent(m.path("tool").asText() + " " + m.path("scenario").asText(),
              k -> new ArrayList<>()).add(m);
        }
      }
    }
    if (byScenario.isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder("## The operator's view: kubectl through the floating IP\n\n");
    b.append("Servers deleted and recreated as ksail does it, while the real `kubectl get --raw /readyz` runs every ")
        .append("200 ms from outside with one kubeconfig written before the first trial and never edited ")
        .append("(`server: https://api.prod.fipkeeper.test:6443`, resolved to the floating IP by the client's ")
        .append("hosts file; the testbed CA verifies the apiserver certificate, whose SANs are the node IP plus ")
        .append("`fipkeeper talos-patch`'s certSANs). kubectl outage: first failed call to the next answered one, ")
        .append("summed over the trial; recovery and client outage as above. Values are p50 / max over n trials.\n\n");
    b.append("| tool | scenario | n | recovery ms | client outage ms | kubectl calls failed | kubectl outage ms "
        + "| trial s | violations |\n|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Map.Entry<String, List<JsonNode>> e : byScenario.entrySet()) {
      List<JsonNode> ms = e.getValue();
      String[] key = e.getKey().split(" ", 2);
      long failed = ms.stream().mapToLong(m -> m.path("kubectlFailures").asLong()).sum();
      long calls = ms.stream().mapToLong(m -> m.path("kubectlCalls").asLong()).sum();
      long violations = ms.stream().filter(m -> !m.path("ok").asBoolean()).count();
      b.append("| ").append(key[0]).append(" | ").append(key[1]).append(" | ").append(ms.size()).append(" | ")
          .append(p50max(ms, "recoveryMs", 1)).append(" | ").append(p50max(ms, "outageMs", 1)).append(" | ")
          .append(failed).append(" of ").append(calls).append(" | ").append(p50max(ms, "kubectlOutageMs", 1))
          .append(" | ").append(p50max(ms, "durationMs", 1000)).append(" | ").append(violations).append(" |\n");
    }
    return b.append('\n').toString();
  }

  /** "p50 / max" of a field (nearest rank), divided by {@code unit}; "–" when no trial has it. */
  private static String p50max(List<JsonNode> ms, String field, double unit) {
    List<Double> values = new ArrayList<>();
    ms.forEach(m -> {
      if (m.path(field).isNumber()) {
        values.add(m.path(field).asDouble() / unit);
      }
    });
    if (values.isEmpty()) {
      return "–";
    }
    values.sort(Double::compare);
    double p50 = values.get((int) Math.ceil(0.5 * values.size()) - 1);
    double max = values.get(values.size() - 1);
    return String.format(Locale.ROOT, "%.0f / %.0f", p50, max);
  }
}
