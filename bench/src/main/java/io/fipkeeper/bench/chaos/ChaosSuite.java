package io.fipkeeper.bench.chaos;

import io.fipkeeper.bench.Network;
import io.fipkeeper.bench.Prober;
import io.fipkeeper.bench.Testbed;
import io.fipkeeper.bench.TestbedException;
import io.fipkeeper.bench.keepalived.KeepalivedTrials;
import io.fipkeeper.bench.keepalived.ObserveTrials;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * One chaos run: fipkeeper's scenarios on a namespace testbed with agents, then keepalived's on a fresh testbed
 * without agents, the steady-state Hetzner request rate, and the results file. The same code path serves
 * {@code chaos}, {@code chaos --short} and the JUnit short suite.
 */
public final class ChaosSuite {
  private final ChaosSettings settings;
  private final PrintStream out;
  private final Checker checker = new Checker(Network.FLOATING_IP, Duration.ofMillis(50));

  public ChaosSuite(ChaosSettings settings, PrintStream out) {
    this.settings = settings;
    this.out = out;
  }

  /** The outcome: every measurement and where the results were written. */
  public record Outcome(List<Measurement> measurements, ResultsFile.SteadyState steady) {
    /** fipkeeper trials with a violation (keepalived's are findings, not failures). */
    public List<Measurement> fipkeeperFailures() {
      return measurements.stream().filter(m -> isFipkeeper(m) && !m.ok()).toList();
    }
  }

  public Outcome run() {
    Instant started = Instant.now();
    List<Measurement> all = new ArrayList<>();
    ResultsFile.SteadyState steady = null;
    if (settings.scenarios().stream().anyMatch(s -> !ObserveTrials.handles(s))) {
      steady = runFipkeeper(all);
    }
    if (!settings.keepalivedScenarios().isEmpty()) {
      runKeepalived(all);
    }
    if (settings.scenarios().stream().anyMatch(ObserveTrials::handles)) {
      runObserve(all);
    }
    ResultsFile.write(settings.out(), ResultsFile.render(started, settings, all, steady));
    out.println("results written to " + settings.out());
    return new Outcome(all, steady);
  }

  private ResultsFile.SteadyState runFipkeeper(List<Measurement> all) {
    say("fipkeeper: starting testbed (3 nodes, etcd ×3, hcloud-sim, 3 agents)");
    try (Testbed bed = Testbed.builder().nodes(3).etcdMembers(3).namespaces(true)
        .agentJar(settings.agentJar()).simJar(settings.simJar())
        .leaseTtl(Duration.ofSeconds(settings.leaseTtlSeconds())).actionDuration(Duration.ofMillis(settings.actionMs()))
        .build()) {
      say("fipkeeper: work dir " + bed.workDir());
      bed.startAgents(Duration.ofSeconds(60));
      Prober prober = bed.startProber(Duration.ofMillis(50));
      Timeline timeline = new Timeline();
      FipkeeperTrials trials = new FipkeeperTrials(bed, prober, settings, checker, timeline);
      ReplaceTrials replace = new ReplaceTrials(bed, prober, settings, checker, timeline, trials);
      for (Scenario s : settings.scenarios()) {
        if (ObserveTrials.handles(s)) {
          continue; // on its own testbed, beside keepalived: runObserve
        }
        for (int t = 1; t <= ReplaceTrials.trials(s, settings.trials()); t++) {
          Measurement m = guarded(FipkeeperTrials.TOOL, s, t, ReplaceTrials.handles(s) ? replace::run : trials::run);
          all.add(m);
          print(m);
        }
      }
      trials.settle();
      long before = bed.sim().stats().path("requests").asLong();
      long window = settings.steadyWindow().toSeconds();
      LockSupport.parkNanos(settings.steadyWindow().toNanos());
      long after = bed.sim().stats().path("requests").asLong();
      ResultsFile.SteadyState steady = new ResultsFile.SteadyState((after - before) * 3600.0 / window, window);
      say(String.format(Locale.ROOT, "fipkeeper: steady state %d Hetzner requests in %d s (%.0f/h)", after - before,
          window, steady.hcloudRequestsPerHour()));
      return steady;
    }
  }

  private void runKeepalived(List<Measurement> all) {
    say("keepalived: starting testbed (3 nodes, hcloud-sim, keepalived ×3, advert_int " + settings.advertInt() + ")");
    try (Testbed bed = Testbed.builder().nodes(3).etcdMembers(1).namespaces(true).simJar(settings.simJar()).token(KeepalivedTrials.token())
        .actionDuration(Duration.ofMillis(settings.actionMs())).build()) {
      say("keepalived: work dir " + bed.workDir());
      Prober prober = bed.startProber(Duration.ofMillis(50));
      try (KeepalivedTrials trials = new KeepalivedTrials(bed, prober, settings, checker, new Timeline())) {
        for (Scenario s : settings.keepalivedScenarios()) {
          for (int t = 1; t <= settings.trials(); t++) {
            Measurement m = guarded(KeepalivedTrials.TOOL, s, t, trials::run);
            all.add(m);
            print(m);
          }
        }
      }
    }
  }

  private void runObserve(List<Measurement> all) {
    say("fipkeeper-observe: starting testbed (3 nodes, etcd ×3, hcloud-sim, keepalived ×3, 3 agents in observe mode)");
    try (Testbed bed = Testbed.builder().nodes(3).etcdMembers(3).namespaces(true).simJar(settings.simJar())
        .apiservers(true).token(KeepalivedTrials.token()).actionDuration(Duration.ofMillis(settings.actionMs())).build()) {
      say("fipkeeper-observe: work dir " + bed.workDir());
      try (ObserveTrials trials = new ObserveTrials(bed, settings, this::say)) {
        for (int t = 1; t <= settings.trials(); t++) {
          Measurement m = guarded(ObserveTrials.TOOL, Scenario.OBSERVE_KEEPALIVED, t, trials::run);
          all.add(m);
          print(m);
        }
      }
    }
  }

  /** Runs one trial; a harness failure becomes a failed measurement so the other trials still run. */
  private Measurement guarded(String tool, Scenario s, int trial, java.util.function.BiFunction<Scenario, Integer, Measurement> run) {
    try {
      return run.apply(s, trial);
    } catch (TestbedException e) {
      return new Measurement(tool, s.id(), trial, settings.actionMs(), null, null, false,
          List.of("harness: " + e.getMessage().lines().findFirst().orElse("")));
    }
  }

  private void print(Measurement m) {
    say(String.format(Locale.ROOT, "%-10s %-17s #%d recovery %s  client outage %s%s  %s", m.tool(), m.scenario(), m.trial(),
        m.recoveryMs() == null ? "-" : String.format(Locale.ROOT, "%.0f ms", m.recoveryMs()),
        m.outageMs() == null ? "-" : String.format(Locale.ROOT, "%.0f ms", m.outageMs()),
        m.kubectlCalls() == null ? "" : String.format(Locale.ROOT, "  kubectl %d/%d failed, %.0f ms without answer  trial %.0f s",
            m.kubectlFailures(), m.kubectlCalls(), m.kubectlOutageMs() == null ? 0.0 : m.kubectlOutageMs(),
            m.durationMs() / 1000),
        m.ok() ? "ok" : (isFipkeeper(m) ? "VIOLATION" : "finding") + " ×" + m.violations().size()));
    for (String v : m.violations()) {
      out.println("    " + v.replace("\n", "\n    "));
    }
  }

  /** fipkeeper's own trials, observe mode included: their violations fail the run; keepalived's are findings. */
  static boolean isFipkeeper(Measurement m) {
    return m.tool().equals(FipkeeperTrials.TOOL) || m.tool().equals(ObserveTrials.TOOL);
  }

  private void say(String message) {
    out.println("[" + Instant.now() + "] " + message);
    out.flush();
  }
}
