package io.fipkeeper.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One results JSON as the failover benchmark ({@code kind: failover}) or the chaos suite ({@code kind: chaos})
 * writes it. Only {@code measurements} is shared; the failover-only parts (steady state, RSS, start-to-ready)
 * are empty for other kinds. Unknown fields are kept in {@link #raw()}.
 */
public record ResultsFile(Path path, String kind, String startedAt, MachineInfo machine, JsonNode settings,
    List<Measurement> measurements, JsonNode raw) {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  public static ResultsFile read(Path path) {
    JsonNode j;
    try {
      j = MAPPER.readTree(path.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read results " + path + ": " + e.getMessage(), e);
    }
    List<Measurement> ms = new ArrayList<>();
    for (JsonNode m : j.path("measurements")) {
      List<String> violations = new ArrayList<>();
      m.path("violations").forEach(v -> violations.add(v.asText()));
      ms.add(new Measurement(m.path("tool").asText("?"), m.path("scenario").asText("?"), m.path("trial").asInt(0),
          m.path("actionMs").asLong(0), m.path("recoveryMs").asLong(-1), m.path("outageMs").asLong(-1),
          m.path("ok").asBoolean(false), violations, m.path("floorMs").asLong(-1), m.path("hcloudRequests").asLong(-1)));
    }
    return new ResultsFile(path, j.path("kind").asText("unknown"), j.path("startedAt").asText("?"),
        MachineInfo.from(j.path("machine")), j.path("settings"), List.copyOf(ms), j);
  }

  /** Hetzner API requests per hour in steady state (rate-limited endpoints only), when measured. */
  public Optional<Double> requestsPerHour() {
    JsonNode v = raw.path("steadyState").path("hcloudRequestsPerHour");
    return v.isNumber() ? Optional.of(v.asDouble()) : Optional.empty();
  }

  public JsonNode steadyState() {
    return raw.path("steadyState");
  }

  public List<Double> rssMiB() {
    List<Double> out = new ArrayList<>();
    raw.path("rssMiB").forEach(v -> out.add(v.asDouble()));
    return out;
  }

  public List<Long> startToReadyMs() {
    List<Long> out = new ArrayList<>();
    raw.path("startToReadyMs").forEach(v -> out.add(v.asLong()));
    return out;
  }

  /** The AppCDS comparison: series by name ("withoutAppCdsMs", "withAppCdsMs"). */
  public List<Long> startup(String series) {
    List<Long> out = new ArrayList<>();
    raw.path("startToReadyCds").path(series).forEach(v -> out.add(v.asLong()));
    return out;
  }
}
