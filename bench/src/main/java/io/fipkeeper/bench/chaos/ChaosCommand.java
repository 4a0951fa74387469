package io.fipkeeper.bench.chaos;

import io.fipkeeper.bench.NotRootException;
import io.fipkeeper.bench.Testbed;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
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

  @Option(names = "--scenarios", split = ",", description = "comma-separated scenario ids (default: all): leader-sigkill, leader-sigterm, "
      + "leader-partition, apiserver-fail, etcd-member-kill, etcd-quorum-loss, hcloud-429-storm, hcloud-503, "
      + "slow-action, action-error, leader-restart, replace-leader, replace-standby, rolling-replace (at most 3 runs), "
      + "replace-leader-hard, observe-keepalived (fipkeeper in observe mode beside keepalived); keepalived runs those of the first three that are chosen")
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

  @Option(names = "--steady-seconds", defaultValue = "65", description = "window for the steady-state request rate")
  long steadySeconds;

  @Option(names = "--advert-int", defaultValue = "1", description = "keepalived advert_int in seconds")
  int advertInt;

  @Option(names = "--out", defaultValue = "bench/target/results/chaos.json", description = "results file")
  Path out;

  @Option(names = "--short", description = "CI suite: 1 trial of a subset, keepalived crash only")
  boolean shortSuite;

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
      return ChaosSettings.shortSuite(agentJar, simJar, out);
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
    return new ChaosSettings(agentJar, simJar, trials, fk, ka, actionMs, leaseTtl, Duration.ofMillis(quorumLossMs),
        Duration.ofMillis(stormMs), Duration.ofSeconds(steadySeconds), advertInt, false, out);
  }
}
