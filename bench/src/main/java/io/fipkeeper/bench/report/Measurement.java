package io.fipkeeper.bench.report;

import java.util.List;

/**
 * One failover trial as both the failover benchmark and the chaos suite write it: which tool, which scenario,
 * the simulated Hetzner action time, how long until the new holder was serving (recovery), how long the outside
 * client got no answer (outage, -1 when not measured), and any correctness rule the trial saw broken.
 */
public record Measurement(
    String tool,
    String scenario,
    int trial,
    long actionMs,
    long recoveryMs,
    long outageMs,
    boolean ok,
    List<String> violations) {

  public Measurement {
    violations = List.copyOf(violations);
  }
}
