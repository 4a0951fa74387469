package io.fipkeeper.bench.perf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fipkeeper.bench.TestbedException;
import io.fipkeeper.bench.report.MachineInfo;
import io.fipkeeper.bench.report.Measurement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What one failover benchmark run measured, written as {@code kind: failover} JSON in the chaos suite's
 * measurement shape, so the report reads both files the same way.
 */
final class FailoverResults {
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final ObjectNode root = MAPPER.createObjectNode();
  private final List<Measurement> measurements = new ArrayList<>();
  private final List<Long> startToReadyMs = new ArrayList<>();

  FailoverResults(Instant startedAt, ObjectNode settings) {
    root.put("kind", "failover");
    root.put("startedAt", startedAt.toString());
    root.set("machine", MachineInfo.current().toJson());
    root.set("settings", settings);
  }

  void add(Measurement m) {
    measurements.add(m);
  }

  void addStartToReady(List<Long> ms) {
    startToReadyMs.addAll(ms);
  }

  List<Measurement> measurements() {
    return List.copyOf(measurements);
  }

  void steadyState(ObjectNode steady) {
    root.set("steadyState", steady);
  }

  /** VmRSS per agent ({@code rssMiB}) and its anonymous and file-backed parts. */
  void memory(List<ProcMemory> agents) {
    ArrayNode rss = root.putArray("rssMiB");
    ArrayNode anon = root.putArray("rssAnonMiB");
    ArrayNode file = root.putArray("rssFileMiB");
    for (ProcMemory m : agents) {
      rss.add(m.rssMiB());
      anon.add(m.anonMiB());
      file.add(m.fileMiB());
    }
  }

  void startup(StartupComparison.Result r) {
    ObjectNode cds = root.putObject("startToReadyCds");
    cds.put("archiveMiB", r.archiveMiB());
    cds.put("archiveFlag", r.archiveFlag());
    r.withoutAppCdsMs().forEach(cds.withArray("withoutAppCdsMs")::add);
    r.withAppCdsMs().forEach(cds.withArray("withAppCdsMs")::add);
  }

  void error(String message) {
    root.withArray("errors").add(message);
  }

  boolean hasErrors() {
    return root.has("errors");
  }

  void durationSeconds(long s) {
    root.put("durationSeconds", s);
  }

  /** Writes the file (creating its directory) and returns the JSON text. */
  String write(Path out) {
    ArrayNode ms = root.putArray("measurements");
    for (Measurement m : measurements) {
      ObjectNode o = ms.addObject();
      o.put("tool", m.tool()).put("scenario", m.scenario()).put("trial", m.trial()).put("actionMs", m.actionMs())
          .put("recoveryMs", m.recoveryMs()).put("outageMs", m.outageMs()).put("ok", m.ok());
      ArrayNode v = o.putArray("violations");
      m.violations().forEach(v::add);
    }
    ArrayNode s = root.putArray("startToReadyMs");
    startToReadyMs.forEach(s::add);
    try {
      if (out.toAbsolutePath().getParent() != null) {
        Files.createDirectories(out.toAbsolutePath().getParent());
      }
      String text = MAPPER.writeValueAsString(root);
      Files.writeString(out, text + "\n");
      return text;
    } catch (IOException e) {
      throw new TestbedException("cannot write " + out + ": " + e.getMessage(), e);
    }
  }
}
