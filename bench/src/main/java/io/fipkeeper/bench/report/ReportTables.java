package io.fipkeeper.bench.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * The markdown tables of the report: per tool × scenario × action time (n, recovery p50/p99/max, outage
 * p50/max, violations) and fipkeeper next to keepalived where both ran a scenario. Percentiles are nearest-rank.
 */
final class ReportTables {
  /** Scenario order in tables and chart: the benchmark's, then the chaos suite's, then anything else by name. */
  private static final List<String> SCENARIO_ORDER = List.of("crash", "graceful", "leader-sigkill", "leader-sigterm",
      "leader-partition", "leader-restart", "apiserver-fail", "etcd-member-kill", "etcd-quorum-loss",
      "hcloud-429-storm", "hcloud-503", "slow-action", "action-error", "address-removed", "winner-cannot-reach-hetzner",
      "token-rotated", "token-revoked", "leader-crash-restart", "etcd-quorum-loss-long", "leader-pause",
      "etcd-leader-kill", "etcd-slow", "clock-step");

  private ReportTables() {}

  static List<Measurement> ordered(List<Measurement> ms) {
    List<Measurement> copy = new ArrayList<>(ms);
    copy.sort(Comparator.comparingInt((Measurement m) -> rank(m.scenario())).thenComparing(Measurement::scenario)
        .thenComparingLong(Measurement::actionMs)
        .thenComparing(m -> m.tool().equals("fipkeeper") ? "" : m.tool())
        .thenComparingInt(Measurement::trial));
    return copy;
  }

  private static int rank(String scenario) {
    int i = SCENARIO_ORDER.indexOf(scenario);
    return i < 0 ? SCENARIO_ORDER.size() : i;
  }

  /** (tool, scenario, action) groups in report order. */
  static Map<Key, List<Measurement>> groups(List<Measurement> ms) {
    Map<Key, List<Measurement>> g = new LinkedHashMap<>();
    for (Measurement m : ordered(ms)) {
      g.computeIfAbsent(new Key(m.tool(), m.scenario(), m.actionMs()), k -> new ArrayList<>()).add(m);
    }
    return g;
  }

  static String perGroup(List<Measurement> ms) {
    StringBuilder b = new StringBuilder();
    b.append("| tool | scenario | action | n | recovery p50 | p99 | max | client outage p50 | outage max | violations |\n");
    b.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    groups(ms).forEach((k, list) -> {
      Stat rec = stat(list, Measurement::recoveryMs);
      Stat out = stat(list, Measurement::outageMs);
      long violations = list.stream().mapToLong(m -> m.violations().size()).sum();
      b.append(String.format(Locale.ROOT, "| %s | %s | %d ms | %d | %s | %s | %s | %s | %s | %d |%n", k.tool(),
          k.scenario(), k.actionMs(), list.size(), rec.p50(), rec.p99(), rec.max(), out.p50(), out.max(), violations));
    });
    return b.toString();
  }

  /** fipkeeper and keepalived side by side for every (scenario, action) both ran; empty when none. */
  static String sideBySide(List<Measurement> ms) {
    Map<Key, List<Measurement>> g = groups(ms);
    StringBuilder b = new StringBuilder();
    for (Map.Entry<Key, List<Measurement>> e : g.entrySet()) {
      Key k = e.getKey();
      if (!k.tool().equals("fipkeeper")) {
        continue;
      }
      List<Measurement> other = g.get(new Key("keepalived", k.scenario(), k.actionMs()));
      if (other == null) {
        continue;
      }
      Stat fr = stat(e.getValue(), Measurement::recoveryMs);
      Stat kr = stat(other, Measurement::recoveryMs);
      Stat fo = stat(e.getValue(), Measurement::outageMs);
      Stat ko = stat(other, Measurement::outageMs);
      b.append(String.format(Locale.ROOT, "| %s | %d ms | %s / %s | %s / %s | %s | %s | %d | %d |%n", k.scenario(),
          k.actionMs(), fr.p50(), fr.p99(), kr.p50(), kr.p99(), fo.max(), ko.max(), violations(e.getValue()),
          violations(other)));
    }
    if (b.length() == 0) {
      return "";
    }
    return "| scenario | action | fipkeeper recovery p50 / p99 | keepalived recovery p50 / p99 | fipkeeper outage max"
        + " | keepalived outage max | fipkeeper violations | keepalived violations |\n"
        + "|---|---:|---:|---:|---:|---:|---:|---:|\n" + b;
  }

  private static long violations(List<Measurement> ms) {
    return ms.stream().mapToLong(m -> m.violations().size()).sum();
  }

  /** Percentiles of the values ≥ 0 (negative = not measured / no recovery), formatted in ms. */
  static Stat stat(List<Measurement> ms, ToLongFunction<Measurement> value) {
    List<Long> v = ms.stream().map(m -> value.applyAsLong(m)).filter(x -> x >= 0).toList();
    if (v.isEmpty()) {
      return new Stat("–", "–", "–");
    }
    Percentiles p = new Percentiles(v);
    String missing = v.size() < ms.size() ? " (" + (ms.size() - v.size()) + " none)" : "";
    return new Stat(ms(p.p50()), ms(p.p99()), ms(p.max()) + missing);
  }

  static String ms(double v) {
    return String.format(Locale.ROOT, "%.0f ms", v);
  }

  record Key(String tool, String scenario, long actionMs) {}

  record Stat(String p50, String p99, String max) {}
}
