package io.fipkeeper.bench.keepalived;

import io.fipkeeper.bench.chaos.NodeEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The observe-mode comparison rule for one keepalived failover, on recorded facts only (the observers' logged state
 * changes, the harness's kills, the simulator's timestamp of keepalived's assign).
 *
 * <p>fipkeeper's etcd election and keepalived's VRRP election are independent, so their holders agree only when
 * both follow the same fault: the trial starts the observers in VRRP priority order (etcd's queue is then the same
 * order as keepalived's priorities) and crashes the node that is both keepalived's MASTER and the observers'
 * would-be holder. Then both must move to the same node: the next in either order. <b>The rule</b>: from one lease
 * TTL after keepalived's assign landed at Hetzner ({@code assignedAt}, the simulator's clock) until the end of the
 * watch, exactly one observer would hold the IP, and it runs on the node keepalived assigned the IP to. fipkeeper
 * is expected earlier than keepalived (lease TTL 2 s against VRRP's 3 × advert_int + skew), so the TTL of slack is
 * for an election that is slower than keepalived's, not for one that is faster; {@link #leadMs} says by how much
 * fipkeeper was ahead.
 *
 * <p>One case is different by design: when the crashed node's etcd member was etcd's leader, the surviving members
 * elect a new one (up to the election timeout, 1 s), which re-grants every lease, the dead observer's too, its full
 * TTL plus the election timeout ({@code lessor.Promote}); meanwhile no keep-alive is answered, and the surviving
 * candidates' clients may declare their own leases gone and campaign again, behind their old keys, which
 * reshuffles etcd's queue. Then the slack grows by TTL + 1 s (the chaos suite's crash bound when the dead node's
 * member led) and the rule is that exactly one observer would hold the IP on a node that survived, whichever;
 * {@link #sameNode} tells whether it was keepalived's.
 *
 * @param events every observer's state changes and harness events, any order
 * @param crashed the node that crashed (keepalived's MASTER and the observers' would-be holder before)
 * @param master the node keepalived assigned the IP to after the crash
 * @param assignedAt when the simulator answered keepalived's assign request (the IP moves one action later)
 * @param ttl the observers' lease TTL
 * @param etcdLeaderDied the crashed node's etcd member was etcd's leader
 * @param watchEnd the end of the watch (the harness restores the node after it)
 */
record ObserveMatch(List<NodeEvent> events, String crashed, String master, Instant assignedAt, Duration ttl,
    boolean etcdLeaderDied, Instant watchEnd) {
  /** etcd's election timeout on the testbed ({@code --election-timeout 1000}). */
  static final Duration ETCD_ELECTION_TIMEOUT = Duration.ofSeconds(1);
  private static final String WOULD_HOLD = "LEADING";

  ObserveMatch {
    events = events.stream().sorted(Comparator.comparing(NodeEvent::at)).toList();
  }

  /** How long after keepalived's assign the observers may still disagree: TTL, plus TTL + 1 s after etcd's leader died. */
  Duration slack() {
    return etcdLeaderDied ? ttl.plus(ttl).plus(ETCD_ELECTION_TIMEOUT) : ttl;
  }

  /** Violations of the rule, empty when the observers matched keepalived. */
  List<String> violations() {
    List<String> out = new ArrayList<>();
    Instant due = assignedAt.plus(slack());
    List<Instant> checks = new ArrayList<>(List.of(due));
    events.stream().map(NodeEvent::at).filter(t -> t.isAfter(due) && !t.isAfter(watchEnd)).forEach(checks::add);
    for (Instant t : checks) {
      Set<String> holders = wouldHolders(t);
      boolean ok = etcdLeaderDied
          ? holders.size() == 1 && !holders.contains(crashed)
          : holders.equals(Set.of(master));
      if (!ok) {
        out.add(String.format(Locale.ROOT, "observe: at %s (%+d ms from keepalived's assign to %s) the observers "
            + "would have held the IP on %s, not on %s", t, Duration.between(assignedAt, t).toMillis(), master,
            holders.isEmpty() ? "no node" : holders,
            etcdLeaderDied ? "one node other than " + crashed + " (etcd's leader died with it)" : master + " alone"));
        break; // the first disagreement says it; the rest would repeat it
      }
    }
    return out;
  }

  /** The one node that would hold the IP at the end of the watch, or null when none or several. */
  String finalHolder() {
    Set<String> holders = wouldHolders(watchEnd);
    return holders.size() == 1 ? holders.iterator().next() : null;
  }

  /** Whether the observers ended on the node keepalived chose. */
  boolean sameNode() {
    return master.equals(finalHolder());
  }

  /** When the final holder's observer last became would-be holder at or before the watch end, or null. */
  Instant wouldHoldSince() {
    String holder = finalHolder();
    Instant since = null;
    for (NodeEvent e : events) {
      if (holder != null && !e.at().isAfter(watchEnd) && e.node().equals(holder) && e.state() != null) {
        since = WOULD_HOLD.equals(e.state()) ? (since == null ? e.at() : since) : null;
      }
    }
    return since;
  }

  /** How much earlier than keepalived's assign the observers' final holder would hold the IP (negative: later). */
  Long leadMs() {
    Instant since = wouldHoldSince();
    return since == null ? null : Duration.between(since, assignedAt).toMillis();
  }

  /** The nodes whose observer's last state at or before {@code t} is LEADING (the harness's kill makes it DOWN). */
  Set<String> wouldHolders(Instant t) {
    Set<String> out = new TreeSet<>();
    Set<String> nodes = new TreeSet<>();
    events.forEach(e -> nodes.add(e.node()));
    for (String node : nodes) {
      String state = null;
      for (NodeEvent e : events) {
        if (e.at().isAfter(t)) {
          break;
        }
        if (e.node().equals(node) && e.state() != null) {
          state = e.state();
        }
      }
      if (WOULD_HOLD.equals(state)) {
        out.add(node);
      }
    }
    return out;
  }
}
