package io.fipkeeper.e2e;

import io.fipkeeper.leader.AgentSnapshot;
import io.fipkeeper.leader.State;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Samples every running agent's snapshot and the simulator's assignment every 20 ms on a daemon thread, so a test
 * can check invariants over the whole run afterwards (who acted when, whether the IP was ever unrouted). A crashed
 * or stopped node drops out of the samples at once: its frozen snapshot says nothing about the present.
 */
final class LeadershipTimeline implements AutoCloseable {
  static final Set<State> ACTING = Set.of(State.ACQUIRING, State.LEADING);

  /**
   * One sampling round: every running node's snapshot by name, Hetzner's answer, and the servers whose node has the
   * address bound (stopped and crashed nodes included: their binder outlives the agent). {@code fipStable} says
   * Hetzner gave the same answer before and after the binders were read, so the two can be compared.
   */
  record Round(Instant at, Map<String, AgentSnapshot> agents, Long fipServer, Set<Long> boundServers,
      boolean fipStable) {
    long leadingCount() {
      return agents.values().stream().filter(s -> s.state() == State.LEADING).count();
    }
  }

  private final AgentCluster cluster;
  private final List<Round> rounds = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "leadership-timeline");
    t.setDaemon(true);
    return t;
  });

  LeadershipTimeline(AgentCluster cluster) {
    this.cluster = cluster;
    sampler.scheduleWithFixedDelay(this::sample, 0, 20, TimeUnit.MILLISECONDS);
  }

  private void sample() {
    try {
      Map<String, AgentSnapshot> agents = new LinkedHashMap<>();
      for (AgentCluster.Node n : cluster.nodes()) {
        if (n.running()) {
          try {
            agents.put(n.name, n.snapshot());
          } catch (IllegalStateException stoppedMeanwhile) {
            // the node went down between the two reads
          }
        }
      }
      Long fip = cluster.fipServer();
      Set<Long> bound = new HashSet<>();
      for (AgentCluster.Node n : cluster.nodes()) {
        if (n.binder().anyBound()) {
          bound.add(n.serverId());
        }
      }
      Long fipAfter = cluster.fipServer();
      rounds.add(new Round(Instant.now(), agents, fip, Set.copyOf(bound), Objects.equals(fip, fipAfter)));
    } catch (RuntimeException e) {
      // a sampler must never die silently mid-test: record nothing this round and try again
    }
  }

  List<Round> rounds() {
    return List.copyOf(rounds);
  }

  /** Whether {@code node} was seen ACQUIRING or LEADING at some sample within {@code slack} of {@code at}. */
  boolean actingNear(String node, Instant at, Duration slack) {
    Instant from = at.minus(slack);
    Instant to = at.plus(slack);
    return rounds.stream().filter(r -> !r.at().isBefore(from) && !r.at().isAfter(to))
        .map(r -> r.agents().get(node))
        .anyMatch(s -> s != null && ACTING.contains(s.state()));
  }

  /** The distinct states {@code node} went through, consecutive repeats collapsed. */
  List<State> statesOf(String node) {
    List<State> out = new ArrayList<>();
    for (Round r : rounds) {
      AgentSnapshot s = r.agents().get(node);
      if (s != null && (out.isEmpty() || out.get(out.size() - 1) != s.state())) {
        out.add(s.state());
      }
    }
    return out;
  }

  /** The greatest number of agents seen LEADING in one round. */
  long maxSimultaneousLeaders() {
    return rounds.stream().mapToLong(Round::leadingCount).max().orElse(0);
  }

  @Override
  public void close() {
    sampler.shutdownNow();
    try {
      sampler.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
