package io.fipkeeper.bench.perf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fipkeeper.bench.AgentProcess;
import io.fipkeeper.bench.NotRootException;
import io.fipkeeper.bench.Prober;
import io.fipkeeper.bench.Testbed;
import io.fipkeeper.bench.TestbedException;
import io.fipkeeper.bench.report.Measurement;
import io.fipkeeper.bench.report.ResultsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The agent's performance targets measured on the namespace testbed (3 nodes, 3 etcd members): crash failover
 * and graceful handover for each simulated action time, the outside client's outage, steady-state Hetzner
 * requests, agent RSS and start-to-ready (with and without AppCDS). Prints a PASS/MISS table and writes
 * {@code failover.json} for the report.
 */
@Command(name = "bench-failover", mixinStandardHelpOptions = true,
    description = "Failover, steady-state, RSS and start-up benchmark of the agent on the namespace testbed (root).")
public final class FailoverBenchmark implements Callable<Integer> {
  private static final Duration PROBE_INTERVAL = Duration.ofMillis(20);

  @Option(names = "--agent-jar", defaultValue = "agent/target/fipkeeper.jar", description = "shaded agent jar")
  Path agentJar;

  @Option(names = "--sim-jar", defaultValue = "hcloud-sim/target/hcloud-sim.jar", description = "simulator jar")
  Path simJar;

  @Option(names = "--trials", defaultValue = "20", description = "crash and graceful trials per action time")
  int trials;

  @Option(names = "--action-ms", split = ",", defaultValue = "0,1000",
      description = "simulated Hetzner action times, comma-separated (default 0,1000)")
  List<Long> actionMs;

  @Option(names = "--steady-seconds", defaultValue = "300", description = "steady-state window (0 = skip)")
  int steadySeconds;

  @Option(names = "--lease-ttl", defaultValue = "2", description = "etcd lease TTL in seconds")
  int leaseTtl;

  @Option(names = "--jvm-flags", defaultValue = JvmFlags.DEFAULT, description = "agent JVM flags")
  String jvmFlags;

  @Option(names = "--cds-rounds", defaultValue = "5",
      description = "start-to-ready rounds with and without an AppCDS archive (0 = skip)")
  int cdsRounds;

  @Option(names = "--appcds", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "run the agents with an AppCDS archive written on a first run (default; --no-appcds: without)")
  boolean appCds;

  @Option(names = "--run", defaultValue = "3", description = "testbed run id (namespace names fk<run>-*)")
  int run;

  @Option(names = "--out", defaultValue = "bench/target/results/failover.json", description = "results JSON")
  Path out;

  @Option(names = "--lock-wait-minutes", defaultValue = "30",
      description = "how long to wait while another testbed (the chaos suite) holds the lock")
  int lockWaitMinutes;

  private Path archive;

  @Override
  public Integer call() {
    if (!Testbed.isRoot()) {
      throw new NotRootException();
    }
    for (Path jar : List.of(agentJar, simJar)) {
      if (!Files.isRegularFile(jar)) {
        throw new TestbedException("missing " + jar + " (build it: ./mvnw -q -DskipTests package)");
      }
    }
    long began = System.nanoTime();
    archive = Path.of(System.getProperty("java.io.tmpdir"), "fipkeeper-bench-appcds", "fipkeeper-agent.jsa")
        .toAbsolutePath();
    FailoverResults results = new FailoverResults(Instant.now(), settings());
    for (int i = 0; i < actionMs.size(); i++) {
      long action = actionMs.get(i);
      boolean last = i == actionMs.size() - 1;
      say("testbed: 3 nodes, 3 etcd members, action time " + action + " ms, flags " + agentFlags());
      try {
        measure(results, action, i == 0, last);
      } catch (TestbedException e) {
        // keep what the other action times measured; the error goes into the results and the exit code
        say("error: action time " + action + " ms: " + e.getMessage().lines().findFirst().orElse(""));
        results.error("action " + action + " ms: " + e.getMessage());
      }
      results.durationSeconds((System.nanoTime() - began) / 1_000_000_000L);
      results.write(out);
    }
    System.out.println();
    System.out.print(SummaryTable.render(ResultsFile.read(out)));
    say("results written to " + out + " in " + (System.nanoTime() - began) / 1_000_000_000L + " s");
    return results.hasErrors() ? 1 : 0;
  }

  /** One testbed with one action time: the AppCDS comparison (first), the trials, steady state (last). */
  private void measure(FailoverResults results, long action, boolean first, boolean last) {
    try (Testbed bed = build(action)) {
      bed.startAgents(Duration.ofSeconds(60));
      Prober prober = bed.startProber(PROBE_INTERVAL);
      TakeoverTrials trialsRun = new TakeoverTrials(bed, prober, action);
      String leader = trialsRun.settle(s -> true);
      if (first && (appCds || cdsRounds > 0)) {
        say("AppCDS archive " + archive + "; start-to-ready with and without it, " + cdsRounds + " rounds");
        results.startup(new StartupComparison(bed, agentJar, jvmFlags, Duration.ofSeconds(leaseTtl))
            .run(leader, archive, cdsRounds));
        if (appCds) {
          // the agents started before the archive existed: restart the standbys on it (the leader is restarted
          // by the first crash trial)
          for (AgentProcess a : bed.agents()) {
            if (!a.node().name().equals(leader)) {
              a.close();
              a.start().waitServing(Duration.ofSeconds(30));
            }
          }
          trialsRun.settle(s -> true);
        }
      }
      try {
        for (int t = 1; t <= trials; t++) {
          for (String scenario : List.of(TakeoverTrials.CRASH, TakeoverTrials.GRACEFUL)) {
            Measurement m = trialsRun.run(scenario, t);
            results.add(m);
            say(String.format(Locale.ROOT, "action %d ms trial %d %-8s recovery %5d ms  outage %5d ms%s", action,
                t, scenario, m.recoveryMs(), m.outageMs(), m.violations().isEmpty() ? "" : "  " + m.violations()));
          }
        }
      } finally {
        results.addStartToReady(trialsRun.startToReadyMs());
      }
      if (last && steadySeconds > 0) {
        trialsRun.settle(s -> true);
        try {
          results.steadyState(steadyState(bed));
        } catch (TestbedException e) {
          // the simulator went away mid-window: the memory reading below is still worth having
          String sim = bed.sim().process().waitFor(Duration.ZERO)
              .map(code -> "simulator process exited with code " + code).orElse("simulator process still running");
          results.error("steady state: " + e.getMessage() + " (" + sim + ")");
          say("error: steady state: " + e.getMessage() + " (" + sim + ")");
        }
        List<ProcMemory> mem = new ArrayList<>();
        for (AgentProcess a : bed.agents()) {
          mem.add(ProcMemory.ofProcessWithArgument(a.configFile().toString())
              .orElse(new ProcMemory(a.rssKib(), -1, -1)));
        }
        results.memory(mem);
        say("agent RSS after steady state: " + mem.stream().map(m -> m.rssMiB() + " MiB (anon " + m.anonMiB()
            + ", file " + m.fileMiB() + ")").toList());
      }
    }
  }

  /** Request counters before and after a quiet window, extrapolated to one hour. */
  private ObjectNode steadyState(Testbed bed) {
    say("steady state: counting Hetzner requests for " + steadySeconds + " s");
    JsonNode before = bed.sim().stats();
    long start = System.nanoTime();
    long end = start + Duration.ofSeconds(steadySeconds).toNanos();
    while (System.nanoTime() - end < 0) {
      LockSupport.parkNanos(Math.min(end - System.nanoTime(), Duration.ofSeconds(1).toNanos()));
    }
    JsonNode after = bed.sim().stats();
    double seconds = (System.nanoTime() - start) / 1e9;
    ObjectNode s = JsonNodeFactory.instance.objectNode();
    ObjectNode by = s.putObject("byEndpoint");
    long api = 0;
    long all = after.path("requests").asLong() - before.path("requests").asLong();
    var names = after.path("byEndpoint").fieldNames();
    while (names.hasNext()) {
      String e = names.next();
      long d = after.path("byEndpoint").path(e).asLong() - before.path("byEndpoint").path(e).asLong();
      by.put(e, d);
      if (!e.equals("METADATA")) {
        api += d;
      }
    }
    // the metadata service is not the rate-limited API: counted apart
    s.put("hcloudRequestsPerHour", Math.round(api * 3600 / seconds * 10) / 10.0);
    s.put("windowSeconds", Math.round(seconds));
    s.put("apiRequests", api);
    s.put("allRequestsIncludingMetadata", all);
    say(String.format(Locale.ROOT, "steady state: %d API requests in %.0f s = %.1f /h", api, seconds, api * 3600 / seconds));
    return s;
  }

  private Testbed build(long action) {
    long deadline = System.nanoTime() + Duration.ofMinutes(lockWaitMinutes).toNanos();
    while (true) {
      try {
        return Testbed.builder().nodes(3).etcdMembers(3).namespaces(true).run(run)
            .simJar(simJar)
            .agentLaunch(JvmFlags.launch(agentFlags(), "-jar", agentJar.toString()))
            .leaseTtl(Duration.ofSeconds(leaseTtl)).actionDuration(Duration.ofMillis(action))
            .build();
      } catch (TestbedException e) {
        if (!e.getMessage().contains("testbed lock") || System.nanoTime() - deadline >= 0) {
          throw e;
        }
        say("another testbed holds the lock; waiting");
      }
    }
  }

  /** The flags agents run with: {@code --jvm-flags}, plus the AppCDS archive unless {@code --no-appcds}. */
  private String agentFlags() {
    return appCds ? jvmFlags + " -XX:SharedArchiveFile=" + archive : jvmFlags;
  }

  private ObjectNode settings() {
    ObjectNode s = JsonNodeFactory.instance.objectNode();
    s.put("command", "java -jar bench/target/fipkeeper-bench.jar bench-failover --trials " + trials + " --action-ms "
        + String.join(",", actionMs.stream().map(String::valueOf).toList()) + " --steady-seconds " + steadySeconds);
    s.put("nodes", 3).put("etcdMembers", 3).put("leaseTtlSeconds", leaseTtl).put("trials", trials);
    actionMs.forEach(s.withArray("actionMs")::add);
    s.put("steadySeconds", steadySeconds);
    s.put("pollMs", 20).put("probeIntervalMs", PROBE_INTERVAL.toMillis()).put("readyPollMs", 10);
    s.put("actionPollIntervalMs", 200).put("apiserverProbeIntervalMs", 500).put("handoverTimeoutSeconds", 5);
    s.put("jvmFlags", appCds ? jvmFlags + " -XX:SharedArchiveFile=fipkeeper-agent.jsa" : jvmFlags);
    s.put("appCds", appCds);
    return s;
  }

  private static void say(String message) {
    System.out.println("[" + Instant.now().toString().substring(11, 19) + "] " + message);
  }
}
