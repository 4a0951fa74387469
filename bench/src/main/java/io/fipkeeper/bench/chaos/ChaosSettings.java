package io.fipkeeper.bench.chaos;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What one chaos run does.
 *
 * @param scenarios fipkeeper's scenarios, in order
 * @param keepalivedScenarios keepalived's scenarios, in order (empty: keepalived is not run)
 * @param quorumLoss how long etcd stays without quorum
 * @param storm how long the 429 / 503 storms last
 * @param steadyWindow how long the steady-state Hetzner request rate is measured
 * @param advertInt keepalived's advert_int in seconds
 */
public record ChaosSettings(
    Path agentJar,
    Path simJar,
    int trials,
    List<Scenario> scenarios,
    List<Scenario> keepalivedScenarios,
    long actionMs,
    int leaseTtlSeconds,
    Duration quorumLoss,
    Duration storm,
    Duration steadyWindow,
    int advertInt,
    boolean shortSuite,
    Path out) {

  /** The CI suite: one trial of the short scenario list, keepalived's crash only. */
  public static ChaosSettings shortSuite(Path agentJar, Path simJar, Path out) {
    return new ChaosSettings(agentJar, simJar, 1, Scenario.SHORT, List.of(Scenario.LEADER_SIGKILL), 1000, 2,
        Duration.ofSeconds(8), Duration.ofSeconds(10), Duration.ofSeconds(10), 1, true, out);
  }

  public Bounds bounds() {
    return new Bounds(leaseTtlSeconds * 1000L, actionMs, storm.toMillis());
  }
}
