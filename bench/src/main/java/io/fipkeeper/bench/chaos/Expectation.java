package io.fipkeeper.bench.chaos;

/**
 * What a scenario demands beyond the rules every trial is held to (fencing, never unassigned, no stale address,
 * one holder, recovery within its bound). Each field, when set, is one rule of the {@link Checker}:
 *
 * @param steadyLeader no leadership change: no other node becomes ACQUIRING or LEADING, and the leader never leaves
 *     LEADING except for SUSPENDED (an etcd hiccup with the IP kept)
 * @param maxAssigns at most this many assign calls reach Hetzner during the trial (null: no limit)
 * @param maxOutageMs the outside client sees at most this much time without an answer (null: no limit)
 * @param ipStays Hetzner routes the IP to the leader's server during the whole trial
 * @param maxHcloudRequests at most this many Hetzner API requests during the fault (null: not counted)
 * @param authAlert the agents' auth-failure metric ({@link AgentSignals#authFailureMetric()}) is above zero on some
 *     agent at the end of the fault
 * @param maxAcquisitions flapping: at most this many times does any node enter ACQUIRING (null: no limit)
 * @param noRevokedTokenUse no request carries a token after the trial revoked it
 * @param staleRepairMs leader pause: after the new leader's assign, the frozen node sends no assign, and an assign of
 *     its that lands late leaves the IP on it for at most this long (null: not a pause trial)
 * @param tokenScan every agent's log, /status and /metrics (and the simulator's log) are searched for the tokens
 *     (a token found is a violation in any trial; this says the trial searched)
 */
public record Expectation(
    boolean steadyLeader,
    Integer maxAssigns,
    Double maxOutageMs,
    boolean ipStays,
    Integer maxHcloudRequests,
    boolean authAlert,
    Integer maxAcquisitions,
    boolean noRevokedTokenUse,
    Long staleRepairMs,
    boolean tokenScan) {

  /** A handful of Hetzner requests: what etcd-slow may cost in its window (a verify or two, not one per flap). */
  public static final int HANDFUL = 5;
  /** The longest a client may wait while the leader's agent restarts in place (issue 8). */
  public static final double CRASH_RESTART_OUTAGE_MS = 1000;

  public static Expectation none() {
    return new Expectation(false, null, null, false, null, false, null, false, null, false);
  }

  /**
   * The rules of a scenario. {@code bounds} gives lease TTL and action time; {@code requestTimeoutMs} is the agent's
   * {@code hcloud.requestTimeout} (the new leader re-reads Hetzner that long after its takeover, issue 8);
   * {@code revokedWindowMs} is how long the token-revoked trial watches.
   */
  public static Expectation of(Scenario s, Bounds bounds, long takeoverTimeoutMs, long requestTimeoutMs,
      long revokedWindowMs) {
    Expectation quiet = new Expectation(true, 0, 0.0, true, null, false, null, false, null, false);
    return switch (s) {
      case ADDRESS_REMOVED -> new Expectation(true, 0, null, true, null, false, null, false, null, false);
      case LEADER_CRASH_RESTART -> new Expectation(false, 0, CRASH_RESTART_OUTAGE_MS, true, null, false, null, false,
          null, false);
      // a new leader after the restore is allowed (one leader, never unassigned: the common rules); a dark minute is not
      case ETCD_QUORUM_LOSS_LONG -> new Expectation(false, null, 0.0, false, null, false, null, false, null, false);
      case ETCD_LEADER_KILL -> quiet;
      case ETCD_SLOW -> new Expectation(true, 0, null, true, HANDFUL, false, null, false, null, false);
      case CLOCK_STEP -> new Expectation(true, 0, null, true, null, false, null, false, null, false);
      case TOKEN_ROTATED -> new Expectation(false, null, null, false, null, false, null, true, null, true);
      // a new term at most once per takeoverTimeout: each failed term gives up and backs off, none re-tries at once
      case TOKEN_REVOKED -> new Expectation(false, null, null, false, null, true,
          (int) (revokedWindowMs / takeoverTimeoutMs) + 1, false, null, true);
      case LEADER_PAUSE -> new Expectation(false, null, null, false, null, false, null, false,
          requestTimeoutMs + bounds.actionMs() + 1500, false);
      default -> none();
    };
  }

  /** Rules the trial code itself checks (its findings), in words, for the report's line; empty for none. */
  public static String checkedByTheTrial(Scenario s) {
    return switch (s) {
      case ETCD_MEMBER_KILL -> "the IP stays, the member's restart included";
      case ETCD_QUORUM_LOSS, ETCD_QUORUM_LOSS_LONG -> "the IP stays while etcd has no quorum";
      case LEADER_SIGTERM, LEADER_RESTART -> "the old leader exits within 20 s and is a clean standby afterwards";
      default -> "";
    };
  }

  /** The rules in a line for the report, the recovery bound first (null: none). */
  public String describe(Long boundMs) {
    java.util.List<String> p = new java.util.ArrayList<>();
    if (boundMs != null) {
      p.add("recovery ≤ " + boundMs + " ms");
    }
    if (steadyLeader) {
      p.add("no leadership change");
    }
    if (maxAssigns != null) {
      p.add(maxAssigns == 0 ? "no assign" : "≤ " + maxAssigns + " assigns");
    }
    if (maxOutageMs != null) {
      p.add(maxOutageMs == 0 ? "no client outage" : "client outage ≤ " + Math.round(maxOutageMs) + " ms");
    }
    if (ipStays) {
      p.add("the IP stays on the leader");
    }
    if (maxHcloudRequests != null) {
      p.add("≤ " + maxHcloudRequests + " Hetzner requests in the window");
    }
    if (authAlert) {
      p.add("`" + AgentSignals.authFailureMetric() + "` > 0");
    }
    if (maxAcquisitions != null) {
      p.add("≤ " + maxAcquisitions + " new terms (no flapping)");
    }
    if (noRevokedTokenUse) {
      p.add("no request with the revoked token");
    }
    if (staleRepairMs != null) {
      p.add("no assign from the frozen node after the new leader's; a stale landing repaired within " + staleRepairMs
          + " ms");
    }
    if (tokenScan) {
      p.add("no token in logs, /status, /metrics");
    }
    return p.isEmpty() ? "common rules only" : String.join("; ", p);
  }
}
