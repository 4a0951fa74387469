package io.fipkeeper.bench.chaos;

import java.util.List;

/**
 * One trial's result, exactly the fields of the results-file contract ({@code measurements[]} in chaos.json).
 *
 * @param tool "fipkeeper" or "keepalived"
 * @param recoveryMs fault until another node has the IP assigned and bound (quorum loss: restore until a
 *     settled leader); null when not applicable or it never recovered
 * @param outageMs how long the outside client got no answer on the floating IP; null when not measured
 *     (leader-crash-restart: at the node's own service, port 6443, not at the restarting agent's port)
 * @param floorMs leader-partition: etcd's floor, the cut until the majority saw the leader's key deleted
 * @param hcloudRequests Hetzner API requests during the fault, where the scenario counts them
 */
public record Measurement(
    String tool,
    String scenario,
    int trial,
    long actionMs,
    Double recoveryMs,
    Double outageMs,
    boolean ok,
    List<String> violations,
    Double floorMs,
    Long hcloudRequests) {

  public Measurement(String tool, String scenario, int trial, long actionMs, Double recoveryMs, Double outageMs,
      boolean ok, List<String> violations) {
    this(tool, scenario, trial, actionMs, recoveryMs, outageMs, ok, violations, null, null);
  }

  public Measurement {
    floorMs = tenth(floorMs);
    recoveryMs = tenth(recoveryMs);
    outageMs = tenth(outageMs);
    violations = List.copyOf(violations);
  }

  private static Double tenth(Double ms) {
    return ms == null ? null : Math.round(ms * 10) / 10.0;
  }
}
