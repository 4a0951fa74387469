package io.fipkeeper.bench.chaos;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What one chaos run does.
 *
 * @param trials repetitions of each scenario (see {@link #trialsOf})
 * @param scenarios fipkeeper's scenarios, in order
 * @param keepalivedScenarios keepalived's scenarios, in order (empty: keepalived is not run)
 * @param quorumLoss how long etcd stays without quorum in {@code etcd-quorum-loss}
 * @param storm how long the 429 / 503 storms last
 * @param steadyWindow how long the steady-state Hetzner request rate is measured
 * @param advertInt keepalived's advert_int in seconds
 * @param longTrials repetitions of the {@link Scenario#LONG} scenarios
 * @param scenarioTrials per-scenario repetitions that override both counts
 * @param longFault how long the long faults last: {@code etcd-quorum-loss-long} and {@code etcd-slow}
 * @param takeoverTimeout the agents' {@code takeoverTimeout}, for the bound of {@code winner-cannot-reach-hetzner}
 *     (written into their YAML only when {@code agentSettings} has it: an agent without the key refuses to start)
 * @param agentSettings extra top-level keys for every agent's YAML
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
    Path out,
    int longTrials,
    Map<Scenario, Integer> scenarioTrials,
    Duration longFault,
    Duration takeoverTimeout,
    Map<String, String> agentSettings) {

  /**
   * The agent's {@code takeoverTimeout} default (docs/configuration.md; it must be longer than
   * {@code hcloud.requestTimeout}, 10 s), which the testbed leaves as it is.
   */
  public static final Duration DEFAULT_TAKEOVER_TIMEOUT = Duration.ofSeconds(20);
  /** The agent's {@code hcloud.requestTimeout} default (the testbed leaves it). */
  public static final Duration AGENT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
  /** System property that puts the scenarios of {@link Scenario#AWAITING_AGENT_FIX} into the short suite. */
  public static final String AWAITING_PROPERTY = "fipkeeper.chaos.awaiting";

  public ChaosSettings {
    scenarios = List.copyOf(scenarios);
    keepalivedScenarios = List.copyOf(keepalivedScenarios);
    scenarioTrials = Map.copyOf(scenarioTrials);
    agentSettings = Map.copyOf(agentSettings);
  }

  /**
   * The CI suite: one trial of the short scenario list, keepalived's crash only. The scenarios awaiting the agent
   * fix run only when {@code includeAwaiting} (or {@code -Dfipkeeper.chaos.awaiting=run}).
   */
  public static ChaosSettings shortSuite(Path agentJar, Path simJar, Path out, boolean includeAwaiting) {
    boolean awaiting = includeAwaiting || "run".equals(System.getProperty(AWAITING_PROPERTY));
    return new ChaosSettings(agentJar, simJar, 1, Scenario.shortSuite(awaiting), List.of(Scenario.LEADER_SIGKILL),
        1000, 2, Duration.ofSeconds(8), Duration.ofSeconds(10), Duration.ofSeconds(10), 1, true, out, 1, Map.of(),
        Duration.ofSeconds(60), DEFAULT_TAKEOVER_TIMEOUT, Map.of());
  }

  public static ChaosSettings shortSuite(Path agentJar, Path simJar, Path out) {
    return shortSuite(agentJar, simJar, out, false);
  }

  /** The same run without keepalived. */
  public ChaosSettings withoutKeepalived() {
    return new ChaosSettings(agentJar, simJar, trials, scenarios, List.of(), actionMs, leaseTtlSeconds, quorumLoss,
        storm, steadyWindow, advertInt, shortSuite, out, longTrials, scenarioTrials, longFault, takeoverTimeout,
        agentSettings);
  }

  /** The same run with other fipkeeper scenarios. */
  public ChaosSettings withScenarios(List<Scenario> chosen) {
    return new ChaosSettings(agentJar, simJar, trials, chosen, keepalivedScenarios, actionMs, leaseTtlSeconds,
        quorumLoss, storm, steadyWindow, advertInt, shortSuite, out, longTrials, scenarioTrials, longFault,
        takeoverTimeout, agentSettings);
  }

  /** How many trials of {@code s}: its override, else {@code longTrials} for the long ones, else {@code trials}. */
  public int trialsOf(Scenario s) {
    return scenarioTrials.getOrDefault(s, Scenario.LONG.contains(s) ? longTrials : trials);
  }

  public Bounds bounds() {
    return new Bounds(leaseTtlSeconds * 1000L, actionMs, storm.toMillis(), takeoverTimeout.toMillis());
  }

  /** How long {@code token-revoked} watches the agents fail: a crash's worth of time, then a takeover timeout. */
  public Duration revokedWindow() {
    return Duration.ofMillis(takeoverTimeout.toMillis() + bounds().of(Scenario.LEADER_SIGKILL));
  }

  public Expectation expectation(Scenario s) {
    return Expectation.of(s, bounds(), takeoverTimeout.toMillis(), AGENT_REQUEST_TIMEOUT.toMillis(),
        revokedWindow().toMillis());
  }
}
