package io.fipkeeper.bench.chaos;

import io.fipkeeper.bench.FakeClock;
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
    List<Scenario> own = settings.scenarios().stream().filter(s -> !ObserveTrials.handles(s)).toList();
    if (!own.isEmpty()) {
      try {
        steady = runFipkeeper(own, all);
      } catch (TestbedException e) {
        // what ran is kept; what could not run is recorded as not run, and the results file is written anyway
        notRun(FipkeeperTrials.TOOL, own, all, e);
      }
    }
    if (!settings.keepalivedScenarios().isEmpty()) {
      try {
        runKeepalived(all);
      } catch (TestbedException e) {
        notRun(KeepalivedTrials.TOOL, settings.keepalivedScenarios(), all, e);
      }
    }
    if (settings.scenarios().stream().anyMatch(ObserveTrials::handles)) {
      try {
        runObserve(all);
      } catch (TestbedException e) {
        notRun(ObserveTrials.TOOL, List.of(Scenario.OBSERVE_KEEPALIVED), all, e);
      }
    }
    ResultsFile.write(settings.out(), ResultsFile.render(started, settings, all, steady));
    out.println("results written to " + settings.out());
    return new Outcome(all, steady);
  }

  private ResultsFile.SteadyState runFipkeeper(List<Scenario> scenarios, List<Measurement> all) {
    List<Scenario> plain = scenarios.stream().filter(s -> !s.needsFakeClocks()).toList();
    List<Scenario> clocked = scenarios.stream().filter(Scenario::needsFakeClocks).toList();
    ResultsFile.SteadyState steady = null;
    if (!plain.isEmpty()) {
      steady = runFipkeeperBed(plain, false, all);
    }
    if (!clocked.isEmpty() && !FakeClock.available()) {
      for (Scenario s : clocked) {
        Measurement m = new Measurement(FipkeeperTrials.TOOL, s.id(), 1, settings.actionMs(), null, null, false,
            List.of("harness: libfaketime is not installed (apt-get install faketime; make deps)"));
        all.add(m);
        print(m, 0);
      }
    } else if (!clocked.isEmpty()) {
      // its own testbed: the other scenarios measure agents that do not run under libfaketime
      ResultsFile.SteadyState s = runFipkeeperBed(clocked, true, all);
      steady = steady == null ? s : steady;
    }
    return steady;
  }

  private ResultsFile.SteadyState runFipkeeperBed(List<Scenario> scenarios, boolean fakeClocks, List<Measurement> all) {
    say("fipkeeper: starting testbed (3 nodes, etcd ×3, hcloud-sim, 3 agents" + (fakeClocks ? " under libfaketime" : "")
        + ")");
    Testbed.Builder builder = Testbed.builder().nodes(3).etcdMembers(3).namespaces(true)
        .agentJar(settings.agentJar()).simJar(settings.simJar()).fakeClocks(fakeClocks)
        .leaseTtl(Duration.ofSeconds(settings.leaseTtlSeconds())).actionDuration(Duration.ofMillis(settings.actionMs()));
    settings.agentSettings().forEach(builder::agentSetting);
    try (Testbed bed = builder.build()) {
      say("fipkeeper: work dir " + bed.workDir());
      bed.startAgents(Duration.ofSeconds(60));
      Prober prober = bed.startProber(Duration.ofMillis(50));
      Prober service = scenarios.contains(Scenario.LEADER_CRASH_RESTART)
          ? bed.startServiceProber(TrialKit.SERVICE_PORT, Duration.ofMillis(50)) : null;
      Timeline timeline = new Timeline();
      TrialKit kit = new TrialKit(bed, prober, service, settings, timeline);
      FipkeeperTrials trials = new FipkeeperTrials(kit, checker);
      ReplaceTrials replace = new ReplaceTrials(bed, prober, settings, checker, timeline, trials);
      for (Scenario s : scenarios) {
        for (int t = 1; t <= ReplaceTrials.trials(s, settings.trialsOf(s)); t++) {
          long started = System.nanoTime();
          Measurement m = guarded(FipkeeperTrials.TOOL, s, t, ReplaceTrials.handles(s) ? replace::run : trials::run);
          all.add(m);
          print(m, (System.nanoTime() - started) / 1_000_000_000L);
        }
      }
      trials.settle();
      long before = kit.hcloudRequests();
      long window = settings.steadyWindow().toSeconds();
      LockSupport.parkNanos(settings.steadyWindow().toNanos());
      long after = kit.hcloudRequests();
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
          for (int t = 1; t <= settings.trialsOf(s); t++) {
            long started = System.nanoTime();
            Measurement m = guarded(KeepalivedTrials.TOOL, s, t, trials::run);
            all.add(m);
            print(m, (System.nanoTime() - started) / 1_000_000_000L);
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
        for (int t = 1; t <= settings.trialsOf(Scenario.OBSERVE_KEEPALIVED); t++) {
          long started = System.nanoTime();
          Measurement m = guarded(ObserveTrials.TOOL, Scenario.OBSERVE_KEEPALIVED, t, trials::run);
          all.add(m);
          print(m, (System.nanoTime() - started) / 1_000_000_000L);
        }
      }
    }
  }

  /** One failed measurement for every scenario of {@code tool} that has none yet: its testbed failed. */
  private void notRun(String tool, List<Scenario> scenarios, List<Measurement> all, TestbedException e) {
    String why = "harness: testbed failed, trial not run: " + e.getMessage().lines().findFirst().orElse("");
    say(tool + ": " + why);
    for (Scenario s : scenarios) {
      if (all.stream().noneMatch(m -> m.tool().equals(tool) && m.scenario().equals(s.id()))) {
        all.add(new Measurement(tool, s.id(), 1, settings.actionMs(), null, null, false, List.of(why)));
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

  private void print(Measurement m, long seconds) {
    say(String.format(Locale.ROOT, "%-10s %-27s #%d recovery %s  client outage %s%s%s%s  %s  (%d s)", m.tool(),
        m.scenario(), m.trial(), m.recoveryMs() == null ? "-" : String.format(Locale.ROOT, "%.0f ms", m.recoveryMs()),
        m.outageMs() == null ? "-" : String.format(Locale.ROOT, "%.0f ms", m.outageMs()),
        m.floorMs() == null ? "" : String.format(Locale.ROOT, "  etcd floor %.0f ms", m.floorMs()),
        m.hcloudRequests() == null ? "" : "  hetzner requests " + m.hcloudRequests(),
        m.kubectlCalls() == null ? "" : String.format(Locale.ROOT, "  kubectl %d/%d failed, %.0f ms without answer"
            + "  trial %.0f s", m.kubectlFailures(), m.kubectlCalls(),
            m.kubectlOutageMs() == null ? 0.0 : m.kubectlOutageMs(), m.durationMs() / 1000),
        m.ok() ? "ok" : (isFipkeeper(m) ? "VIOLATION" : "finding") + " ×" + m.violations().size(),
        seconds));
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
