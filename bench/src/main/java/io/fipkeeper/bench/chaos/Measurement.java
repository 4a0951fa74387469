package io.fipkeeper.bench.chaos;

import java.util.List;

/**
 * One trial's result, exactly the fields of the results-file contract ({@code measurements[]} in chaos.json).
 *
 * @param tool "fipkeeper" or "keepalived"
 * @param recoveryMs fault until another node has the IP assigned and bound (quorum loss: restore until a
 *     settled leader); null when not applicable or it never recovered
 * @param outageMs how long the outside client got no answer on the floating IP; null when not measured
 *     (leader-crash-restart: at the node's own service, port 9443, not at the restarting agent's port)
 * @param kubectlCalls kubectl runs during the trial (replacement scenarios; null elsewhere)
 * @param kubectlFailures of those, how many failed
 * @param kubectlOutageMs how long kubectl got no answer, first failed call to the next good one, summed
 * @param durationMs how long the whole trial took, settling included (replacement scenarios)
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
    Integer kubectlCalls,
    Integer kubectlFailures,
    Double kubectlOutageMs,
    Double durationMs,
    Double floorMs,
    Long hcloudRequests) {

  public Measurement {
    recoveryMs = tenth(recoveryMs);
    outageMs = tenth(outageMs);
    kubectlOutageMs = tenth(kubectlOutageMs);
    durationMs = tenth(durationMs);
    floorMs = tenth(floorMs);
    violations = List.copyOf(violations);
  }

  /** A trial without kubectl's view, etcd's floor or a request count. */
  public Measurement(String tool, String scenario, int trial, long actionMs, Double recoveryMs, Double outageMs,
      boolean ok, List<String> violations) {
    this(tool, scenario, trial, actionMs, recoveryMs, outageMs, ok, violations, null, null, null, null, null, null);
  }

  /** A replacement trial: kubectl's view and the trial's duration. */
  public Measurement(String tool, String scenario, int trial, long actionMs, Double recoveryMs, Double outageMs,
      boolean ok, List<String> violations, Integer kubectlCalls, Integer kubectlFailures, Double kubectlOutageMs,
      Double durationMs) {
    this(tool, scenario, trial, actionMs, recoveryMs, outageMs, ok, violations, kubectlCalls, kubectlFailures,
        kubectlOutageMs, durationMs, null, null);
  }

  /** A trial with etcd's floor or the Hetzner requests of its fault window. */
  public Measurement(String tool, String scenario, int trial, long actionMs, Double recoveryMs, Double outageMs,
      boolean ok, List<String> violations, Double floorMs, Long hcloudRequests) {
    this(tool, scenario, trial, actionMs, recoveryMs, outageMs, ok, violations, null, null, null, null, floorMs,
        hcloudRequests);
  }

  private static Double tenth(Double ms) {
    return ms == null ? null : Math.round(ms * 10) / 10.0;
  }
}
