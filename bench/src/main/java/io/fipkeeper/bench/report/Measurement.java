package io.fipkeeper.bench.report;

import java.util.List;

/**
 * One failover trial as both the failover benchmark and the chaos suite write it: which tool, which scenario,
 * the simulated Hetzner action time, how long until the new holder was serving (recovery), how long the outside
 * client got no answer (outage, -1 when not measured), and any correctness rule the trial saw broken. Chaos trials
 * may add etcd's floor (leader-partition) and the Hetzner requests of the fault window; -1 when absent.
 */
public record Measurement(
    String tool,
    String scenario,
    int trial,
    long actionMs,
    long recoveryMs,
    long outageMs,
    boolean ok,
    List<String> violations,
    long floorMs,
    long hcloudRequests) {

  public Measurement(String tool, String scenario, int trial, long actionMs, long recoveryMs, long outageMs, boolean ok,
      List<String> violations) {
    this(tool, scenario, trial, actionMs, recoveryMs, outageMs, ok, violations, -1, -1);
  }

  public Measurement {
    violations = List.copyOf(violations);
  }
}
