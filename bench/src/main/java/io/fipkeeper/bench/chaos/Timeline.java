package io.fipkeeper.bench.chaos;

import io.fipkeeper.bench.FloatingIpRoute;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts the harness's own monotonic timestamps on the wall clock the simulator and the logs use, and keeps what
 * the harness did to each node (kills, starts, partitions) as {@link NodeEvent}s for the checker. One anchor
 * pair is read at construction; over a run of minutes the two clocks drift by far less than the checker's skew.
 */
public final class Timeline {
  private final long anchorNanos = System.nanoTime();
  private final Instant anchorWall = Instant.now();
  private final List<NodeEvent> harness = new ArrayList<>();

  /** The wall-clock instant of a {@code System.nanoTime()} reading. */
  public Instant wall(long nanos) {
    return anchorWall.plusNanos(nanos - anchorNanos);
  }

  /** Records a harness action on a node; {@code state} is what the node is in afterwards (null: unchanged). */
  public synchronized void record(String node, String what, String state) {
    harness.add(NodeEvent.harness(Instant.now(), node, what, state));
  }

  public synchronized List<NodeEvent> harnessEvents() {
    return List.copyOf(harness);
  }

  /** The route's assignment over [from, to]: the one in force at {@code from}, then every change until {@code to}. */
  public List<TrialRecord.Assignment> assignments(FloatingIpRoute route, Instant from, Instant to) {
    List<TrialRecord.Assignment> out = new ArrayList<>();
    TrialRecord.Assignment before = null;
    for (FloatingIpRoute.Change c : route.changes()) {
      Instant at = wall(c.nanos());
      if (!at.isAfter(from)) {
        before = new TrialRecord.Assignment(from, c.server());
      } else if (!at.isAfter(to)) {
        out.add(new TrialRecord.Assignment(at, c.server()));
      }
    }
    if (before != null) {
      out.add(0, before);
    }
    return out;
  }
}
