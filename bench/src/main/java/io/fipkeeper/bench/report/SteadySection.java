package io.fipkeeper.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;

/** The report's section on steady-state Hetzner requests, agent RSS and start-to-ready of one failover run. */
final class SteadySection {
  private SteadySection() {}

  static String render(ResultsFile f) {
    StringBuilder b = new StringBuilder("## Steady state, memory and start-up\n\n");
    JsonNode s = f.steadyState();
    if (s.path("hcloudRequestsPerHour").isNumber()) {
      b.append(String.format(Locale.ROOT,
          "- Hetzner API requests, whole cluster (3 agents), settled leader: **%s per hour** (%d requests in a %d s "
              + "window, extrapolated; the metadata service, which is not rate-limited, is excluded: %d requests "
              + "including it). By endpoint: %s.%n",
          Targets.fmt(s.path("hcloudRequestsPerHour").asDouble()), s.path("apiRequests").asLong(),
          s.path("windowSeconds").asLong(), s.path("allRequestsIncludingMetadata").asLong(), endpoints(s)));
      long assigns = s.path("byEndpoint").path("ASSIGN").asLong(0);
      if (assigns > 0) {
        // a settled leader only verifies (one GET per verify interval); an assign means the leader changed
        b.append(String.format(Locale.ROOT, "  The window was not quiet: %d assign%s means the leadership changed "
            + "during it (see the agent logs of the run), and that takeover's requests are in the count.%n",
            assigns, assigns == 1 ? "" : "s"));
      }
    }
    List<Double> rss = f.rssMiB();
    if (!rss.isEmpty()) {
      b.append("- Agent resident memory (VmRSS) after the steady-state window: ")
          .append(String.join(", ", rss.stream().map(v -> Targets.fmt(v) + " MiB").toList()))
          .append(" with JVM flags `").append(f.settings().path("jvmFlags").asText()).append("`")
          .append(breakdown(f)).append(".\n");
    }
    startup(b, "start to ready (process start → `/readyz` 200, the agents restarted between trials)",
        f.startToReadyMs());
    startup(b, "start to ready without AppCDS (one standby node, alternating runs)", f.startup("withoutAppCdsMs"));
    List<Long> cds = f.startup("withAppCdsMs");
    if (!cds.isEmpty()) {
      startup(b, "start to ready with AppCDS (`" + f.raw().path("startToReadyCds").path("archiveFlag").asText()
          + "`, archive " + Targets.fmt(f.raw().path("startToReadyCds").path("archiveMiB").asDouble())
          + " MiB written by `-XX:ArchiveClassesAtExit` on a first run)", cds);
    }
    return b.append('\n').toString();
  }

  private static void startup(StringBuilder b, String what, List<Long> values) {
    if (values.isEmpty()) {
      return;
    }
    Percentiles p = new Percentiles(values);
    b.append(String.format(Locale.ROOT, "- %s: n=%d, p50 %.0f ms, p99 %.0f ms, max %.0f ms.%n", what, p.count(),
        p.p50(), p.p99(), p.max()));
  }

  /** Anonymous (heap, metaspace, stacks, malloc) and file-backed (JDK image, libjvm: shared) parts of VmRSS. */
  private static String breakdown(ResultsFile f) {
    JsonNode anon = f.raw().path("rssAnonMiB");
    JsonNode file = f.raw().path("rssFileMiB");
    if (!anon.isArray() || anon.isEmpty() || anon.get(0).asDouble() < 0) {
      return "";
    }
    StringBuilder b = new StringBuilder("; of which anonymous (heap, metaspace, stacks, malloc) ");
    for (int i = 0; i < anon.size(); i++) {
      b.append(i == 0 ? "" : ", ").append(Targets.fmt(anon.get(i).asDouble()));
    }
    b.append(" MiB and file-backed (the JDK's module image and libjvm, shared with other JVMs) ");
    for (int i = 0; i < file.size(); i++) {
      b.append(i == 0 ? "" : ", ").append(Targets.fmt(file.get(i).asDouble()));
    }
    return b.append(" MiB").toString();
  }

  private static String endpoints(JsonNode s) {
    StringBuilder b = new StringBuilder();
    s.path("byEndpoint").fields().forEachRemaining(e -> {
      if (e.getValue().asLong() > 0) {
        b.append(b.length() == 0 ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue().asLong());
      }
    });
    return b.length() == 0 ? "none" : b.toString();
  }
}
