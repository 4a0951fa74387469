package io.fipkeeper.bench.perf;

import io.fipkeeper.bench.report.Measurement;
import io.fipkeeper.bench.report.Percentiles;
import io.fipkeeper.bench.report.ResultsFile;
import io.fipkeeper.bench.report.Targets;
import io.fipkeeper.bench.report.Verdict;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.function.ToLongFunction;

/** The plain-text table the benchmark prints at the end: p50/p99/max per measurement, then PASS/MISS per target. */
final class SummaryTable {
  private SummaryTable() {}

  static String render(ResultsFile f) {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "%-36s %4s %8s %8s %8s%n", "measurement (ms, nearest-rank)", "n", "p50", "p99", "max"));
    TreeSet<Long> actions = new TreeSet<>();
    f.measurements().forEach(m -> actions.add(m.actionMs()));
    for (long a : actions) {
      for (String sc : List.of(TakeoverTrials.CRASH, TakeoverTrials.GRACEFUL)) {
        row(b, sc + " recovery, action " + a, f, sc, a, Measurement::recoveryMs);
        row(b, sc + " client outage, action " + a, f, sc, a, Measurement::outageMs);
      }
    }
    line(b, "start to ready (trial restarts)", f.startToReadyMs());
    line(b, "start to ready without AppCDS", f.startup("withoutAppCdsMs"));
    line(b, "start to ready with AppCDS", f.startup("withAppCdsMs"));
    b.append(String.format(Locale.ROOT, "%n%-58s %-12s %-12s %s%n", "target", "reached", "target", ""));
    for (Verdict v : Targets.check(f)) {
      b.append(String.format(Locale.ROOT, "%-58s %-12s %-12s %s%n", v.measurement(), v.reached(), v.target(), v.mark()));
    }
    return b.toString();
  }

  private static void row(StringBuilder b, String name, ResultsFile f, String scenario, long action,
      ToLongFunction<Measurement> value) {
    line(b, name, f.measurements().stream().filter(m -> m.scenario().equals(scenario) && m.actionMs() == action)
        .map(m -> value.applyAsLong(m)).filter(v -> v >= 0).toList());
  }

  private static void line(StringBuilder b, String name, List<Long> values) {
    if (values.isEmpty()) {
      return;
    }
    Percentiles p = new Percentiles(values);
    b.append(String.format(Locale.ROOT, "%-36s %4d %8.0f %8.0f %8.0f%n", name, p.count(), p.p50(), p.p99(), p.max()));
  }
}
