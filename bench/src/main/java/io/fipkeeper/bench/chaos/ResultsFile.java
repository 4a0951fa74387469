package io.fipkeeper.bench.chaos;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fipkeeper.bench.TestbedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Writes {@code chaos.json}, the hand-over to the report writer: {@code kind}, {@code startedAt}, {@code machine},
 * {@code settings}, {@code rules} (each fipkeeper scenario's rules in a line), {@code measurements} (one
 * {@link Measurement} per trial) and {@code steadyState}.
 */
public final class ResultsFile {
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ResultsFile() {}

  /** The steady-state Hetzner request rate with a settled leader and no faults. */
  public record SteadyState(double hcloudRequestsPerHour, long windowSeconds) {}

  public static ObjectNode render(Instant startedAt, ChaosSettings s, List<Measurement> measurements, SteadyState steady) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("kind", "chaos");
    root.put("startedAt", startedAt.toString());
    ObjectNode machine = root.putObject("machine");
    machine.put("cores", Runtime.getRuntime().availableProcessors());
    machine.put("memGiB", memGiB());
    machine.put("kernel", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    ObjectNode settings = root.putObject("settings");
    settings.put("leaseTtlSeconds", s.leaseTtlSeconds());
    settings.put("actionMs", s.actionMs());
    settings.put("trials", s.trials());
    settings.put("short", s.shortSuite());
    settings.put("quorumLossMs", s.quorumLoss().toMillis());
    settings.put("stormMs", s.storm().toMillis());
    settings.put("keepalivedAdvertInt", s.advertInt());
    settings.put("nodes", 3);
    settings.put("longTrials", s.longTrials());
    ObjectNode perScenario = settings.putObject("scenarioTrials");
    s.scenarioTrials().forEach((sc, n) -> perScenario.put(sc.id(), n));
    settings.put("longFaultMs", s.longFault().toMillis());
    settings.put("takeoverTimeoutMs", s.takeoverTimeout().toMillis());
    ObjectNode agent = settings.putObject("agentSettings");
    s.agentSettings().forEach(agent::put);
    settings.put("authFailureMetric", AgentSignals.authFailureMetric());
    ObjectNode bounds = settings.putObject("boundsMs");
    for (Map.Entry<String, Long> e : s.bounds().all().entrySet()) {
      if (e.getValue() == null) {
        bounds.putNull(e.getKey());
      } else {
        bounds.put(e.getKey(), e.getValue());
      }
    }
    ObjectNode rules = root.putObject("rules");
    for (Scenario sc : s.scenarios()) {
      String own = s.expectation(sc).describe(s.bounds().of(sc));
      String trial = Expectation.checkedByTheTrial(sc);
      rules.put(sc.id(), trial.isEmpty() ? own : own.equals("common rules only") ? trial : own + "; " + trial);
    }
    ArrayNode ms = root.putArray("measurements");
    measurements.forEach(m -> ms.add(MAPPER.valueToTree(m)));
    if (steady == null) {
      root.putNull("steadyState");
    } else {
      root.putObject("steadyState").put("hcloudRequestsPerHour", steady.hcloudRequestsPerHour())
          .put("windowSeconds", steady.windowSeconds());
    }
    return root;
  }

  public static void write(Path out, ObjectNode json) {
    try {
      Path parent = out.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Path tmp = Files.createTempFile(parent, "chaos", ".json.tmp");
      MAPPER.writeValue(tmp.toFile(), json);
      Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new TestbedException("cannot write " + out + ": " + e.getMessage(), e);
    }
  }

  private static long memGiB() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          return Math.round(Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0);
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux: unknown
    }
    return -1;
  }
}
