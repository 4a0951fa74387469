package io.fipkeeper.bench.chaos;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks one trial against the correctness rules, from what was recorded rather than from what the tools say
 * about themselves:
 * <ol>
 *   <li>fencing: every assign POST the simulator saw came from a node that was ACQUIRING or LEADING at that time
 *       (at some instant within {@code skew} before the simulator answered, which covers log-timestamp
 *       granularity and the request's own flight time);</li>
 *   <li>never unassigned: no unassign call, and the IP never went back to "no server" once assigned, unless the
 *       server it was on had just been deleted (Hetzner unassigns a deleted server's IPs; the history says who
 *       deleted it);</li>
 *   <li>no stale address: after settling, no node but the leader has the floating address bound;</li>
 *   <li>one holder: after settling, at most one node has it bound, and Hetzner routes the IP to that node;</li>
 *   <li>recovery within the scenario's bound;</li>
 *   <li>the scenario's own rules ({@link Expectation}): no leadership change, an assign budget, an outage budget,
 *       the IP staying put, a Hetzner request budget, an auth alert, no flapping, no use of a revoked token, no
 *       token in any output, and for a frozen leader: no assign sent after the new leader's and a stale landing
 *       repaired in time. They live in {@link ExpectationRules}.</li>
 * </ol>
 * Each violation is one string: a headline, then the offending history and log lines.
 */
public final class Checker {
  static final Set<String> MAY_ASSIGN = Set.of("ACQUIRING", "LEADING");
  private static final Duration CONTEXT = Duration.ofSeconds(2);

  private final String floatingAddress;
  private final Duration skew;

  /**
   * @param floatingAddress the floating IP as bound ({@code 203.0.113.10}); addresses are compared without prefix
   * @param skew how far before the simulator's timestamp the assigning node's state may be read
   */
  public Checker(String floatingAddress, Duration skew) {
    this.floatingAddress = floatingAddress;
    this.skew = skew;
  }

  /** All violations of the trial, empty when it is clean. */
  public List<String> check(TrialRecord t) {
    List<NodeEvent> events = t.events().stream().sorted(Comparator.comparing(NodeEvent::at)).toList();
    List<SimCall> window = t.calls().stream().filter(c -> inWindow(t, c.at())).toList();
    List<String> out = new ArrayList<>();
    fencing(t, events, window, out);
    neverUnassigned(t, events, window, out);
    settled(t, events, window, out);
    recovery(t, out);
    new ExpectationRules(this, t, events, window).check(out);
    out.addAll(t.scenarioViolations());
    return out;
  }

  private void fencing(TrialRecord t, List<NodeEvent> events, List<SimCall> window, List<String> out) {
    for (SimCall c : window) {
      if (!c.isAssign()) {
        continue;
      }
      String node = c.serverId() == null ? null : t.nodeByServer().get(c.serverId());
      if (node == null) {
        out.add(report("fencing: assign to unknown server " + c.serverId(), t, events, window, c.at()));
        continue;
      }
      // a call held in transit is judged by when it was sent: the sender cannot recall it
      Instant sent = c.sentAt();
      Instant since = sent.minus(skew);
      List<String> held = new ArrayList<>();
      held.add(stateAt(events, node, since));
      events.stream()
          .filter(e -> e.node().equals(node) && e.state() != null && e.at().isAfter(since) && !e.at().isAfter(sent))
          .forEach(e -> held.add(e.state()));
      if (held.stream().noneMatch(MAY_ASSIGN::contains)) {
        out.add(report("fencing: " + node + " assigned the floating IP while " + String.join("→", held)
            + " (status " + c.httpStatus() + ")", t, events, window, c.at()));
      }
    }
  }

  private void neverUnassigned(TrialRecord t, List<NodeEvent> events, List<SimCall> window, List<String> out) {
    for (SimCall c : window) {
      if (c.isUnassign()) {
        out.add(report("unassign: the floating IP was unassigned at Hetzner", t, events, window, c.at()));
      }
    }
    Long lastServer = null;
    for (TrialRecord.Assignment a : t.assignments()) {
      if (a.server() != null) {
        lastServer = a.server();
      } else if (lastServer != null && !deletedBy(window, lastServer, a.at())) {
        out.add(report("unassign: Hetzner routed the floating IP nowhere", t, events, window, a.at()));
      }
    }
  }

  /** Whether {@code server} was deleted at Hetzner by {@code at} (the route follows the deletion by one poll). */
  private boolean deletedBy(List<SimCall> window, long server, Instant at) {
    return window.stream().anyMatch(c -> c.isServerDeletion() && c.serverId() != null && c.serverId() == server
        && !c.at().isAfter(at.plus(skew)));
  }

  private void settled(TrialRecord t, List<NodeEvent> events, List<SimCall> window, List<String> out) {
    List<String> holders = t.settledAddresses().entrySet().stream()
        .filter(e -> e.getValue().stream().anyMatch(this::isFloating))
        .map(Map.Entry::getKey)
        .sorted()
        .toList();
    if (holders.size() > 1) {
      out.add(report("split brain: after settling " + holders.size() + " nodes have " + floatingAddress + " bound: "
          + holders, t, events, window, t.to()));
    }
    for (String h : holders) {
      if (!h.equals(t.settledLeader())) {
        out.add(report("stale address: " + h + " has " + floatingAddress + " bound after settling but "
            + (t.settledLeader() == null ? "no node leads" : t.settledLeader() + " leads"), t, events, window, t.to()));
      }
    }
    if (t.assignedAfter() != null && !holders.contains(t.assignedAfter())) {
      out.add(report("blackhole: Hetzner routes the floating IP to " + t.assignedAfter()
          + " which does not have it bound (bound on " + holders + ")", t, events, window, t.to()));
    }
  }

  private void recovery(TrialRecord t, List<String> out) {
    if (t.boundMs() == null) {
      return;
    }
    if (!t.recovered()) {
      out.add("recovery: did not recover within the wait (bound " + t.boundMs() + " ms)");
    } else if (t.recoveryMs() != null && t.recoveryMs() > t.boundMs()) {
      out.add(String.format(java.util.Locale.ROOT, "recovery: took %.0f ms, bound %d ms", t.recoveryMs(), t.boundMs()));
    }
  }

  private boolean isFloating(String address) {
    int slash = address.indexOf('/');
    return (slash < 0 ? address : address.substring(0, slash)).equals(floatingAddress);
  }

  /** The node's state at an instant: the last state-bearing event at or before it. */
  static String stateAt(List<NodeEvent> sorted, String node, Instant at) {
    String state = "STANDBY";
    for (NodeEvent e : sorted) {
      if (e.at().isAfter(at)) {
        break;
      }
      if (e.node().equals(node) && e.state() != null) {
        state = e.state();
      }
    }
    return state;
  }

  String floatingAddress() {
    return floatingAddress;
  }

  private static boolean inWindow(TrialRecord t, Instant at) {
    return !at.isBefore(t.from()) && !at.isAfter(t.to());
  }

  /** Headline plus the history and log lines within a couple of seconds of the offending instant. */
  String report(String headline, TrialRecord t, List<NodeEvent> events, List<SimCall> window, Instant around) {
    Instant lo = around.minus(CONTEXT);
    Instant hi = around.plus(CONTEXT);
    List<Line> lines = new ArrayList<>();
    window.stream().filter(c -> !c.at().isBefore(lo) && !c.at().isAfter(hi))
        .forEach(c -> lines.add(new Line(c.at(), c.describe(c.serverId() == null ? null : t.nodeByServer().get(c.serverId())))));
    events.stream().filter(e -> !e.at().isBefore(lo) && !e.at().isAfter(hi))
        .forEach(e -> lines.add(new Line(e.at(), e.describe())));
    return headline + lines.stream().sorted(Comparator.comparing(Line::at)).map(l -> "\n    " + l.text())
        .collect(Collectors.joining());
  }

  private record Line(Instant at, String text) {}
}
