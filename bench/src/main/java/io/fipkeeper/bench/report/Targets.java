package io.fipkeeper.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The agent's performance targets checked against a failover results file: crash failover p99 at most
 * 2.5 s + action time, graceful handover p99 at most 0.3 s + action time, at most 60 Hetzner requests per hour
 * in steady state, at most 96 MiB RSS per agent, start to ready at most 2 s (p99). Percentiles are nearest-rank.
 */
public final class Targets {
  public static final long CRASH_BUDGET_MS = 2500;
  public static final long GRACEFUL_BUDGET_MS = 300;
  public static final double REQUESTS_PER_HOUR = 60;
  public static final double RSS_MIB = 96;
  public static final long START_TO_READY_MS = 2000;

  private Targets() {}

  public static List<Verdict> check(ResultsFile f) {
    List<Verdict> out = new ArrayList<>();
    TreeSet<Long> actions = new TreeSet<>();
    f.measurements().forEach(m -> actions.add(m.actionMs()));
    for (long action : actions) {
      recovery(f, "crash", action, CRASH_BUDGET_MS).ifPresent(out::add);
      recovery(f, "graceful", action, GRACEFUL_BUDGET_MS).ifPresent(out::add);
    }
    f.requestsPerHour().ifPresent(r -> out.add(new Verdict("steady-state Hetzner requests", fmt(r) + " /h",
        "≤ " + fmt(REQUESTS_PER_HOUR) + " /h", r <= REQUESTS_PER_HOUR)));
    if (!f.rssMiB().isEmpty()) {
      double max = new Percentiles(f.rssMiB()).max();
      out.add(new Verdict("agent RSS after steady state (max of agents)", fmt(max) + " MiB",
          "≤ " + fmt(RSS_MIB) + " MiB", max <= RSS_MIB));
    }
    if (!f.startToReadyMs().isEmpty()) {
      double p99 = new Percentiles(f.startToReadyMs()).p99();
      out.add(new Verdict("start to ready p99 (n=" + f.startToReadyMs().size() + ")", fmt(p99) + " ms",
          "≤ " + START_TO_READY_MS + " ms", p99 <= START_TO_READY_MS));
    }
    return out;
  }

  private static java.util.Optional<Verdict> recovery(ResultsFile f, String scenario, long action, long budget) {
    List<Long> values = f.measurements().stream()
        .filter(m -> m.tool().equals("fipkeeper") && m.scenario().equals(scenario) && m.actionMs() == action)
        .map(Measurement::recoveryMs).filter(v -> v >= 0).toList();
    long failed = f.measurements().stream()
        .filter(m -> m.tool().equals("fipkeeper") && m.scenario().equals(scenario) && m.actionMs() == action)
        .filter(m -> m.recoveryMs() < 0).count();
    if (values.isEmpty()) {
      return java.util.Optional.empty();
    }
    double p99 = new Percentiles(values).p99();
    long limit = budget + action;
    String name = scenario + " failover p99, action " + action + " ms (n=" + values.size()
        + (failed > 0 ? ", " + failed + " without takeover" : "") + ")";
    return java.util.Optional.of(new Verdict(name, fmt(p99) + " ms", "≤ " + limit + " ms",
        p99 <= limit && failed == 0));
  }

  static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
  }
}
