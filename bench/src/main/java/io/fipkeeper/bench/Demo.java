package io.fipkeeper.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The local demo: etcd, the Hetzner simulator and three agents as real processes; the leader is SIGKILLed,
 * then the next leader is SIGTERMed, and both takeover times are measured from the signal until the new
 * leader's /status shows LEADING with the address bound and the simulator has the IP on its server. On the
 * namespace testbed it ends with the operator's scenario: the holder's server deleted and recreated while the
 * real kubectl checks the endpoint from outside.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Three agents, a leader crash, a graceful handover and a node replacement, with a live table.")
final class Demo implements Callable<Integer> {
  private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(60);
  private static final long POLL_NANOS = 50_000_000L;
  private static final long DRAW_NANOS = 250_000_000L;

  @Option(names = "--agent-jar", defaultValue = "agent/target/fipkeeper.jar", description = "shaded agent jar")
  Path agentJar;

  @Option(names = "--sim-jar", defaultValue = "hcloud-sim/target/hcloud-sim.jar", description = "simulator jar")
  Path simJar;

  @Option(names = "--loopback", description = "run on loopback with the recording binder even as root")
  boolean loopback;

  @Option(names = "--namespaces", description = "require the namespace testbed (exit 2 when not root)")
  boolean requireNamespaces;

  @Option(names = "--lease-ttl", defaultValue = "2", description = "etcd lease TTL in seconds")
  int leaseTtl;

  @Option(names = "--action-ms", defaultValue = "1000", description = "how long a simulated assign action takes")
  long actionMs;

  @Option(names = "--hold-ms", defaultValue = "3000", description = "how long to show each steady state")
  long holdMs;

  private final java.util.Map<String, Long> peakRssKib = new java.util.TreeMap<>();
  private LiveTable table;
  private long startNanos;

  @Override
  public Integer call() {
    boolean root = Testbed.isRoot();
    if (requireNamespaces && !root) {
      throw new NotRootException();
    }
    boolean namespaces = !loopback && root;
    table = new LiveTable(System.console() != null && System.getenv("NO_COLOR") == null, Network.FLOATING_IP);
    startNanos = System.nanoTime();
    say("starting " + (namespaces ? "namespace testbed (3 hosts, router, client)" : "loopback testbed (not root: recording binder)")
        + ": etcd ×3, hcloud-sim, 3 agents");
    try (Testbed bed = Testbed.builder()
        .nodes(3).etcdMembers(3).namespaces(namespaces)
        .agentJar(agentJar).simJar(simJar)
        .leaseTtl(Duration.ofSeconds(leaseTtl)).actionDuration(Duration.ofMillis(actionMs))
        .build()) {
      say("work dir " + bed.workDir() + " (agent logs and configs)");
      bed.startAgents(Duration.ofSeconds(60));
      Prober prober = namespaces ? bed.startProber(Duration.ofMillis(50)) : null;

      String first = awaitSettled(bed, prober, "election", s -> true);
      say("leader " + first + " holds " + Network.FLOATING_IP + " (assigned at Hetzner, "
          + (namespaces ? "bound on its eth0)" : "bound by the recording binder)"));
      hold(bed, prober, "steady");

      say(table.color("\u001b[1;31m", "SIGKILL " + first) + " (crash: no resign, its lease must expire)");
      long killAt = System.nanoTime();
      bed.agent(index(first)).sigkill();
      String second = awaitSettled(bed, prober, "failover after crash", s -> !s.equals(first));
      Duration crash = Duration.ofNanos(System.nanoTime() - killAt);
      say("failover " + first + " → " + second + " in " + ms(crash) + clientOutage(prober, killAt));
      hold(bed, prober, "steady");

      say(table.color("\u001b[1;33m", "SIGTERM " + second) + " (graceful: resign, revoke lease, hand over)");
      long termAt = System.nanoTime();
      bed.agent(index(second)).sigterm();
      String third = awaitSettled(bed, prober, "graceful handover", s -> !s.equals(first) && !s.equals(second));
      Duration graceful = Duration.ofNanos(System.nanoTime() - termAt);
      say("handover " + second + " → " + third + " in " + ms(graceful) + clientOutage(prober, termAt));
      Optional<Integer> exit = bed.agent(index(second)).waitExit(Duration.ofSeconds(20));
      say(second + " exited " + exit.map(c -> "with code " + c).orElse("— still running after 20 s")
          + bed.network().map(n -> n.addresses(index(second)).contains(Network.FLOATING_IP + "/32")
              ? table.color("\u001b[1;31m", "; it still has " + Network.FLOATING_IP + " bound")
              : "; it released " + Network.FLOATING_IP).orElse(""));
      hold(bed, prober, "after handover");
      String replaced = namespaces ? replaceLive(bed, prober, third, first, second) : null;
      table.release();

      System.out.println();
      System.out.println(table.color("\u001b[1m", "  result"));
      System.out.printf(Locale.ROOT, "  crash failover   (SIGKILL %s → %s leading+bound+assigned): %s%n", first, second, ms(crash));
      System.out.printf(Locale.ROOT, "  graceful handover (SIGTERM %s → %s leading+bound+assigned): %s%n", second, third, ms(graceful));
      if (replaced != null) {
        System.out.println("  " + replaced);
      }
      System.out.printf(Locale.ROOT, "  peak agent RSS: %s%n", peakRssKib.entrySet().stream()
          .map(e -> e.getKey() + " " + e.getValue() / 1024 + " MiB").collect(java.util.stream.Collectors.joining(", ")));
      System.out.printf(Locale.ROOT, "  simulator saw %d mutating calls; logs in %s%n", bed.sim().history().size(), bed.workDir());
      say("tearing down");
      return 0;
    } catch (TestbedException e) {
      table.release();
      say(table.color("\u001b[1;31m", "error: " + e.getMessage()));
      return 1;
    } finally {
      say("done: every process stopped" + (namespaces ? ", namespaces removed" : ""));
    }
  }

  /**
   * The operator's own scenario, live: the stopped agents come back, then the holder's server is deleted and
   * recreated the way ksail replaces a control-plane node (etcd member leaves, server deleted, new server with a
   * new address and id, new etcd member, fresh agent), while the real kubectl checks the endpoint every 200 ms
   * through the floating IP with the kubeconfig written at the start. Returns the result line.
   */
  private String replaceLive(Testbed bed, Prober prober, String holder, String... stopped) {
    Prober kubectl;
    try {
      kubectl = bed.startKubectlProber(Duration.ofMillis(200));
    } catch (TestbedException e) {
      say("skipping the node replacement: " + e.getMessage());
      return null;
    }
    for (String n : stopped) {
      bed.agent(index(n)).start().waitServing(SETTLE_TIMEOUT);
    }
    say("agents of " + String.join(" and ", stopped) + " started again; kubectl " + bed.apiEndpoint().orElseThrow().url()
        + " from outside every 200 ms (kubeconfig " + bed.kubeconfig().orElseThrow().file() + ")");
    Await.tryUntil(Duration.ofSeconds(10), () -> kubectl.last().map(Prober.Sample::ok).orElse(false));
    hold(bed, prober, "steady");
    int slot = index(holder);
    long oldServer = bed.sim().serverId(holder);
    String oldAddress = bed.node(slot).address();
    say(table.color("\u001b[1;31m", "DELETE server " + holder) + " (etcd member leaves first, as ksail does; Hetzner"
        + " unassigns the floating IP with the server)");
    long deleteAt = System.nanoTime();
    bed.etcd().removeMember(slot);
    bed.destroy(slot);
    String next = awaitSettled(bed, prober, "failover after server deletion", s -> !s.equals(holder));
    Duration failover = Duration.ofNanos(System.nanoTime() - deleteAt);
    // the whole window, not the first gap: the old node may still answer a probe right after the deletion request
    Await.tryUntil(Duration.ofSeconds(3), () -> prober.last().map(Prober.Sample::ok).orElse(false));
    Double probeOutage = io.fipkeeper.bench.chaos.Outage.within(prober.samples(), deleteAt, System.nanoTime());
    say("failover " + holder + " → " + next + " in " + ms(failover) + "; client outside saw no answer on the floating"
        + " IP for " + String.format(Locale.ROOT, "%.0f ms", probeOutage == null ? 0.0 : probeOutage));
    say("creating a new " + holder + " (new server, address, etcd member, agent)");
    Node fresh = bed.replace(slot, SETTLE_TIMEOUT);
    say("new " + holder + ": server " + bed.sim().serverId(holder) + " (was " + oldServer + "), address "
        + fresh.address() + " (was " + oldAddress + "), joined etcd; its agent campaigns as a standby");
    hold(bed, prober, "after replacement");
    long end = System.nanoTime();
    long calls = kubectl.samples().stream().filter(x -> x.nanos() >= deleteAt && x.nanos() <= end).count();
    long failed = kubectl.samples().stream().filter(x -> x.nanos() >= deleteAt && x.nanos() <= end && !x.ok()).count();
    Double outage = io.fipkeeper.bench.chaos.Outage.within(kubectl.samples(), deleteAt, end);
    return String.format(Locale.ROOT, "node replacement (DELETE server %s → %s leading+bound+assigned): %s; kubectl: "
        + "%d of %d calls failed, %.0f ms without an answer, kubeconfig %s", holder, next, ms(failover), failed, calls,
        outage == null ? 0.0 : outage, bed.kubeconfig().orElseThrow().unchanged() ? "never edited" : "CHANGED");
  }

  /** Polls every 50 ms and redraws every 250 ms until one node is settled as leader and accepted. */
  private String awaitSettled(Testbed bed, Prober prober, String phase, Predicate<String> accept) {
    long deadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
    long nextDraw = 0;
    while (System.nanoTime() - deadline < 0) {
      Snapshot s = observe(bed, prober);
      Optional<String> leader = s.settledLeader().filter(accept);
      if (leader.isPresent() || s.nanos() - nextDraw >= 0) {
        table.draw(s, phase);
        nextDraw = s.nanos() + DRAW_NANOS;
      }
      if (leader.isPresent()) {
        return leader.get();
      }
      java.util.concurrent.locks.LockSupport.parkNanos(POLL_NANOS);
    }
    throw new TestbedException("no agent became leader with the floating IP within " + SETTLE_TIMEOUT.toSeconds()
        + " s during " + phase + "; see the agent logs in " + bed.workDir());
  }

  private void hold(Testbed bed, Prober prober, String phase) {
    long end = System.nanoTime() + holdMs * 1_000_000L;
    while (System.nanoTime() - end < 0) {
      table.draw(observe(bed, prober), phase);
      java.util.concurrent.locks.LockSupport.parkNanos(DRAW_NANOS);
    }
  }

  /** Waits briefly for the client to get an answer again, then reports how long it had none. */
  private Snapshot observe(Testbed bed, Prober prober) {
    Snapshot s = Snapshot.take(bed, prober);
    s.rows().forEach(r -> peakRssKib.merge(r.node(), r.rssKib(), Math::max));
    return s;
  }

  private static String clientOutage(Prober prober, long fromNanos) {
    if (prober == null) {
      return "";
    }
    Await.tryUntil(Duration.ofSeconds(3), () -> prober.outageAfter(fromNanos).isPresent());
    return prober.outageAfter(fromNanos)
        .map(d -> "; client outside saw no answer on the floating IP for " + ms(d))
        .orElse("; client outside still gets no answer");
  }

  private static int index(String node) {
    return Integer.parseInt(node.substring(node.lastIndexOf('-') + 1));
  }

  private void say(String message) {
    table.event(ms(Duration.ofNanos(System.nanoTime() - startNanos)), message);
  }

  private static String ms(Duration d) {
    return String.format(Locale.ROOT, "%d ms", d.toMillis());
  }
}
