package io.fipkeeper.bench.chaos;

import io.fipkeeper.bench.NotRootException;
import io.fipkeeper.bench.Testbed;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code chaos}: fipkeeper's failure scenarios, each repeated, checked by the {@link Checker}, side by side with
 * keepalived on the same kind of testbed; writes chaos.json. Exit 1 when a fipkeeper trial has a violation.
 */
@Command(name = "chaos", mixinStandardHelpOptions = true,
    description = "Chaos suite: crashes, partitions, etcd and Hetzner faults; fipkeeper vs keepalived.")
public final class ChaosCommand implements Callable<Integer> {
  @Option(names = "--agent-jar", defaultValue = "agent/target/fipkeeper.jar", description = "shaded agent jar")
  Path agentJar;

  @Option(names = "--sim-jar", defaultValue = "hcloud-sim/target/hcloud-sim.jar", description = "simulator jar")
  Path simJar;

  @Option(names = "--trials", defaultValue = "3", description = "repetitions of each scenario")
  int trials;

  @Option(names = "--long-trials", description = "repetitions of the minute-long scenarios (etcd-quorum-loss-long, "
      + "etcd-slow); default: --trials")
  Integer longTrials;

  @Option(names = "--scenario-trials", split = ",", description = "per-scenario repetitions, e.g. "
      + "leader-partition=20,etcd-slow=3 (override --trials and --long-trials)")
  List<String> scenarioTrials;

  @Option(names = "--scenarios", split = ",", description = "comma-separated scenario ids (default: all): leader-sigkill, leader-sigterm, "
      + "leader-partition, apiserver-fail, etcd-member-kill, etcd-quorum-loss, hcloud-429-storm, hcloud-503, "
      + "slow-action, action-error, leader-restart, address-removed, winner-cannot-reach-hetzner, token-rotated, "
      + "token-revoked, leader-crash-restart, etcd-quorum-loss-long, leader-pause, etcd-leader-kill, etcd-slow, "
      + "clock-step, replace-leader, replace-standby, rolling-replace (at most 3 runs), replace-leader-hard, "
      + "observe-keepalived (fipkeeper in observe mode beside keepalived); keepalived runs those of the first three "
      + "that are chosen")
  List<String> scenarios;

  @Option(names = "--skip-scenarios", split = ",", description = "scenario ids to leave out of the chosen ones "
      + "(make bench runs the replacement scenarios separately, with more trials)")
  List<String> skipScenarios;

  @Option(names = "--tools", split = ",", defaultValue = "fipkeeper,keepalived", description = "fipkeeper, keepalived")
  List<String> tools;

  @Option(names = "--action-ms", defaultValue = "1000", description = "simulated assign action duration")
  long actionMs;

  @Option(names = "--lease-ttl", defaultValue = "2", description = "etcd lease TTL in seconds")
  int leaseTtl;

  @Option(names = "--quorum-loss-ms", defaultValue = "8000", description = "how long etcd stays without quorum")
  long quorumLossMs;

  @Option(names = "--storm-ms", defaultValue = "10000", description = "how long 429/503 storms last")
  long stormMs;

  @Option(names = "--long-fault-ms", defaultValue = "60000", description = "how long etcd-quorum-loss-long and etcd-slow "
      + "last")
  long longFaultMs;

  @Option(names = "--takeover-timeout-ms", defaultValue = "20000", description = "the agents' takeoverTimeout (their "
      + "default: 20 s), for the bound of winner-cannot-reach-hetzner and the flapping limit of token-revoked (pass "
      + "--agent-setting takeoverTimeout=... to set it in the agents too; it must exceed hcloud.requestTimeout, 10 s)")
  long takeoverTimeoutMs;

  @Option(names = "--agent-setting", description = "KEY=VALUE added at the top level of every agent's YAML, e.g. "
      + "takeoverTimeout=15s (an agent that does not know the key refuses to start); repeatable")
  List<String> agentSettings;

  @Option(names = "--steady-seconds", defaultValue = "65", description = "window for the steady-state request rate")
  long steadySeconds;

  @Option(names = "--advert-int", defaultValue = "1", description = "keepalived advert_int in seconds")
  int advertInt;

  @Option(names = "--out", defaultValue = "bench/target/results/chaos.json", description = "results file")
  Path out;

  @Option(names = "--short", description = "CI suite: 1 trial of a subset, keepalived crash only")
  boolean shortSuite;

  @Option(names = "--include-awaiting", description = "with --short: also the scenarios awaiting the agent fix "
      + "(Scenario.AWAITING_AGENT_FIX)")
  boolean includeAwaiting;

  @Override
  public Integer call() {
    if (!Testbed.isRoot()) {
      throw new NotRootException();
    }
    ChaosSettings s;
    try {
      s = settings();
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      return 2;
    }
    long start = System.nanoTime();
    ChaosSuite.Outcome outcome = new ChaosSuite(s, System.out).run();
    List<Measurement> failed = outcome.fipkeeperFailures();
    System.out.printf("chaos finished in %d s: %d trials, %d fipkeeper trials with violations%n",
        (System.nanoTime() - start) / 1_000_000_000L, outcome.measurements().size(), failed.size());
    return failed.isEmpty() ? 0 : 1;
  }

  ChaosSettings settings() {
    if (shortSuite) {
      return ChaosSettings.shortSuite(agentJar, simJar, out, includeAwaiting);
    }
    List<Scenario> chosen = scenarios == null ? Arrays.asList(Scenario.values()) : scenarios.stream().map(Scenario::of).toList();
    if (skipScenarios != null) {
      List<Scenario> skip = skipScenarios.stream().map(Scenario::of).toList();
      chosen = chosen.stream().filter(sc -> !skip.contains(sc)).toList();
    }
    for (String t : tools) {
      if (!t.equals("fipkeeper") && !t.equals("keepalived")) {
        throw new IllegalArgumentException("unknown tool '" + t + "'; known: fipkeeper, keepalived");
      }
    }
    List<Scenario> fk = tools.contains("fipkeeper") ? chosen : List.of();
    List<Scenario> ka = tools.contains("keepalived") ? chosen.stream().filter(Scenario.KEEPALIVED::contains).toList() : List.of();
    if (trials < 1) {
      throw new IllegalArgumentException("--trials must be at least 1, was " + trials);
    }
    int longCount = longTrials == null ? trials : longTrials;
    if (longCount < 1) {
      throw new IllegalArgumentException("--long-trials must be at least 1, was " + longCount);
    }
    Map<Scenario, Integer> perScenario = new EnumMap<>(Scenario.class);
    pairs(scenarioTrials, "--scenario-trials").forEach((id, n) -> {
      int count;
      try {
        count = Integer.parseInt(n);
      } catch (NumberFormatException e) {
        count = 0;
      }
      if (count < 1) {
        throw new IllegalArgumentException("--scenario-trials " + id + ": must be a whole number of at least 1, got \""
            + n + "\"");
      }
      perScenario.put(Scenario.of(id), count);
    });
    if (takeoverTimeoutMs < 1000) {
      throw new IllegalArgumentException("--takeover-timeout-ms must be at least 1000, was " + takeoverTimeoutMs);
    }
    return new ChaosSettings(agentJar, simJar, trials, fk, ka, actionMs, leaseTtl, Duration.ofMillis(quorumLossMs),
        Duration.ofMillis(stormMs), Duration.ofSeconds(steadySeconds), advertInt, false, out, longCount, perScenario,
        Duration.ofMillis(longFaultMs), Duration.ofMillis(takeoverTimeoutMs), pairs(agentSettings, "--agent-setting"));
  }

  /** KEY=VALUE items in order; the message names the option and the item. */
  private static Map<String, String> pairs(List<String> items, String option) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String item : items == null ? List.<String>of() : items) {
      int eq = item.indexOf('=');
      if (eq <= 0 || eq == item.length() - 1) {
        throw new IllegalArgumentException(option + ": expected KEY=VALUE, got \"" + item + "\"");
      }
      out.put(item.substring(0, eq).strip(), item.substring(eq + 1).strip());
    }
    return out;
  }
}
