package io.fipkeeper.bench.chaos;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything the {@link Checker} looks at after one trial: the trial's wall-clock window, the simulator's calls
 * and every node's events (whole run: the checker needs the state each node was in when the window opened),
 * how Hetzner's assignment moved during the window, what each node had bound once the testbed settled, and the
 * measured recovery against its bound.
 *
 * @param assignments the floating IP's server over the window, oldest first; the first entry is the
 *     assignment when the window opened ({@code server} null = unassigned)
 * @param settledAddresses addresses bound on each node's interface after settling
 * @param settledLeader the node the tool considers leader after settling (null when none or several)
 * @param assignedAfter the node Hetzner routes the IP to after settling (null when unassigned)
 * @param recoveryMs measured recovery, null when the scenario has none or it did not recover
 * @param boundMs the recovery bound, null when the scenario expects no failover
 * @param recovered false when the scenario gave up waiting for recovery
 * @param scenarioViolations what the scenario itself found wrong (e.g. the harness could not inject the fault)
 * @param expect the scenario's own rules ({@link Expectation#none()} for none)
 * @param seen what the harness measured for those rules
 */
public record TrialRecord(
    String tool,
    String scenario,
    int trial,
    Instant from,
    Instant to,
    List<SimCall> calls,
    List<NodeEvent> events,
    Map<Long, String> nodeByServer,
    List<Assignment> assignments,
    Map<String, List<String>> settledAddresses,
    String settledLeader,
    String assignedAfter,
    Double recoveryMs,
    Long boundMs,
    boolean recovered,
    List<String> scenarioViolations,
    Expectation expect,
    Observations seen) {

  /** A trial with only the common rules. */
  public TrialRecord(String tool, String scenario, int trial, Instant from, Instant to, List<SimCall> calls,
      List<NodeEvent> events, Map<Long, String> nodeByServer, List<Assignment> assignments,
      Map<String, List<String>> settledAddresses, String settledLeader, String assignedAfter, Double recoveryMs,
      Long boundMs, boolean recovered, List<String> scenarioViolations) {
    this(tool, scenario, trial, from, to, calls, events, nodeByServer, assignments, settledAddresses, settledLeader,
        assignedAfter, recoveryMs, boundMs, recovered, scenarioViolations, Expectation.none(),
        Observations.of(null, null));
  }

  /** Hetzner routed the IP to {@code server} (null = nowhere) from {@code at} on. */
  public record Assignment(Instant at, Long server) {}
}
