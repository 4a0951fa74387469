package io.fipkeeper.bench.chaos;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The {@link Expectation} rules of one trial, each a few lines that name what broke and show the offending history.
 * Only the rules the expectation sets are checked; an expectation that needs an observation the harness did not
 * make (a count left null) reports that as a violation instead of passing silently.
 */
final class ExpectationRules {
  /** States a steady leader must never be seen in: each means a new term, a step-down or a dead agent. */
  private static final Set<String> LEFT_LEADING =
      Set.of("STANDBY", "CAMPAIGNING", "ACQUIRING", "STEPPING_DOWN", "STOPPED", NodeEvent.DOWN);

  private final Checker checker;
  private final TrialRecord t;
  private final Expectation x;
  private final Observations seen;
  private final List<NodeEvent> events;
  private final List<SimCall> window;

  ExpectationRules(Checker checker, TrialRecord t, List<NodeEvent> sortedEvents, List<SimCall> window) {
    this.checker = checker;
    this.t = t;
    this.x = t.expect();
    this.seen = t.seen();
    this.events = sortedEvents;
    this.window = window;
  }

  void check(List<String> out) {
    if (x.steadyLeader()) {
      steadyLeader(out);
    }
    if (x.maxAssigns() != null) {
      assignBudget(out);
    }
    if (x.maxOutageMs() != null) {
      if (seen.outageMs() == null) {
        out.add("outage: not measured (no probe fell in the trial), at most " + ms(x.maxOutageMs()) + " allowed");
      } else if (seen.outageMs() > x.maxOutageMs()) {
        out.add("outage: the client got no answer for " + ms(seen.outageMs()) + ", at most " + ms(x.maxOutageMs())
            + " allowed");
      }
    }
    if (x.ipStays()) {
      ipStays(out);
    }
    if (x.maxHcloudRequests() != null) {
      if (seen.hcloudRequests() == null) {
        out.add("hetzner: requests during the fault were not counted");
      } else if (seen.hcloudRequests() > x.maxHcloudRequests()) {
        out.add("hetzner: " + seen.hcloudRequests() + " API requests during the fault, at most "
            + x.maxHcloudRequests() + " allowed (each flap costs requests from the project's shared 3600/h)");
      }
    }
    if (x.authAlert() && (seen.authFailures() == null || seen.authFailures() <= 0)) {
      out.add("alert: " + AgentSignals.authFailureMetric() + (seen.authFailures() == null
          ? " is not exported by any agent" : " is 0 on every agent") + " although every Hetzner request was refused 401");
    }
    if (x.maxAcquisitions() != null) {
      flapping(out);
    }
    if (x.noRevokedTokenUse()) {
      if (seen.revokedTokenRequests() == null) {
        out.add("token: requests with the revoked token were not counted");
      } else if (seen.revokedTokenRequests() > 0) {
        out.add("token: " + seen.revokedTokenRequests() + " Hetzner requests carried the old token after it was"
            + " replaced in the token file and revoked (the agent did not re-read the file)");
      }
    }
    seen.tokenLeaks().forEach(l -> out.add("token leak: " + l));
    if (x.staleRepairMs() != null) {
      pause(out);
    }
  }

  private void steadyLeader(List<String> out) {
    String leader = seen.leaderBefore();
    List<String> reported = new ArrayList<>();
    for (NodeEvent e : events) {
      if (e.state() == null || e.at().isBefore(t.from()) || e.at().isAfter(t.to()) || reported.contains(e.node())) {
        continue;
      }
      boolean other = !e.node().equals(leader) && (e.state().equals("ACQUIRING") || e.state().equals("LEADING"));
      boolean left = e.node().equals(leader) && LEFT_LEADING.contains(e.state());
      if (other || left) {
        reported.add(e.node());
        out.add(checker.report("leadership changed: " + e.node() + " went " + e.state() + " although " + leader
            + " was to stay leader", t, events, window, e.at()));
      }
    }
  }

  private void assignBudget(List<String> out) {
    List<SimCall> assigns = window.stream().filter(SimCall::isAssign).toList();
    if (assigns.size() > x.maxAssigns()) {
      out.add(checker.report("assign: " + assigns.size() + " assign call" + (assigns.size() == 1 ? "" : "s")
          + " reached Hetzner, at most " + x.maxAssigns() + " allowed (the IP was to stay where it was)", t, events,
          window, assigns.get(x.maxAssigns()).at()));
    }
  }

  private void ipStays(List<String> out) {
    for (TrialRecord.Assignment a : t.assignments()) {
      if (!seen.leaderBefore().equals(nodeOf(a.server()))) {
        out.add(checker.report("moved: Hetzner routed the floating IP to " + nodeOf(a.server()) + " although it was to"
            + " stay on " + seen.leaderBefore(), t, events, window, a.at()));
        return;
      }
    }
  }

  private static boolean within(Instant earlier, Instant at) {
    return earlier != null && Duration.between(earlier, at).compareTo(POLL_LAG) <= 0;
  }

  /**
   * How far a {@link StatusWatch} poll's time may lie from the moment its snapshot was taken: the answer is stamped
   * when it arrives, after the agent's loop may have moved on (seen: a poll stamped 1 ms after the log line that left
   * ACQUIRING still showed ACQUIRING), and a loaded 2-core machine delays answers by up to hundreds of milliseconds.
   */
  static final Duration POLL_LAG = Duration.ofSeconds(1);

  /**
   * New terms while the fault lasted (the restore afterwards elects a leader, which is no flap): a node entering
   * ACQUIRING, as its log reports it. A {@link StatusWatch} poll is a second witness for entries the log cannot show
   * (a node whose log is not trusted): it counts only when no logged entry of that node lies within {@link #POLL_LAG}
   * of it, and a logged entry right after a counted poll is that poll's term. So a poll that catches a term its log
   * line reported, before or after the poll's stamp, does not count twice.
   */
  private void flapping(List<String> out) {
    java.time.Instant until = seen.faultEnd() != null ? seen.faultEnd() : t.to();
    Map<String, String> last = new HashMap<>();
    Map<String, Instant> loggedEntry = new HashMap<>();
    Map<String, Instant> polledEntry = new HashMap<>();
    List<NodeEvent> terms = new ArrayList<>();
    for (NodeEvent e : events) {
      if (e.state() == null) {
        continue;
      }
      String before = last.put(e.node(), e.state());
      if (!"ACQUIRING".equals(e.state())) {
        continue;
      }
      boolean entered;
      if (e.line().startsWith("state from=")) { // a logged transition is an entry by definition
        entered = !within(polledEntry.get(e.node()), e.at());
        loggedEntry.put(e.node(), e.at());
      } else {
        entered = !"ACQUIRING".equals(before) && !within(loggedEntry.get(e.node()), e.at());
        if (entered) {
          polledEntry.put(e.node(), e.at());
        }
      }
      if (entered && !e.at().isBefore(t.from()) && !e.at().isAfter(until)) {
        terms.add(e);
      }
    }
    if (terms.size() > x.maxAcquisitions()) {
      out.add(checker.report("flapping: " + terms.size() + " new terms (ACQUIRING) during the trial, at most "
          + x.maxAcquisitions() + " allowed (one per takeoverTimeout)", t, events, window,
          terms.get(x.maxAcquisitions()).at()));
    }
  }

  /**
   * The frozen node's term is over once the new leader's assign was accepted: any assign the frozen node sends later
   * is a violation; one it sent before the freeze may still land late (Hetzner has no conditional assign), but the
   * IP may then sit on the frozen node only for {@link Expectation#staleRepairMs()}.
   */
  private void pause(List<String> out) {
    if (seen.pausedNode() == null || seen.pausedAt() == null) {
      out.add("pause: the harness did not freeze a node with an assign in flight");
      return;
    }
    String paused = seen.pausedNode();
    Optional<SimCall> newer = window.stream()
        .filter(c -> c.isAssign() && c.accepted() && c.serverId() != null && !paused.equals(nodeOf(c.serverId()))
            && c.at().isAfter(seen.pausedAt()))
        .findFirst();
    if (newer.isEmpty()) {
      return;
    }
    Instant takeover = newer.get().at();
    window.stream()
        .filter(c -> c.isAssign() && paused.equals(nodeOf(c.serverId())) && c.sentAt().isAfter(takeover))
        .findFirst()
        .ifPresent(c -> out.add(checker.report("stale assign: " + seen.pausedNode() + " sent an assign at "
            + c.sentAt() + ", after the new leader's was accepted at " + takeover, t, events, window, c.at())));
    List<TrialRecord.Assignment> as = t.assignments();
    for (int i = 0; i < as.size(); i++) {
      TrialRecord.Assignment a = as.get(i);
      if (!a.at().isAfter(takeover) || !paused.equals(nodeOf(a.server()))) {
        continue;
      }
      Instant until = i + 1 < as.size() ? as.get(i + 1).at() : t.to();
      long sat = Duration.between(a.at(), until).toMillis();
      if (sat > x.staleRepairMs()) {
        out.add(checker.report("stale landing: Hetzner routed the floating IP to the frozen " + seen.pausedNode()
            + " for " + sat + " ms" + (i + 1 < as.size() ? "" : " (until the end of the trial)")
            + " after the new leader's assign, at most " + x.staleRepairMs() + " ms allowed", t, events, window,
            a.at()));
      }
    }
  }

  /** The node a server id belongs to; compared by name, since a replaced node has had several servers. */
  private String nodeOf(Long server) {
    return server == null ? "no server" : t.nodeByServer().getOrDefault(server, "#" + server);
  }

  private static String ms(double v) {
    return String.format(Locale.ROOT, "%.0f ms", v);
  }
}
