package io.fipkeeper.leader;

import java.time.Duration;

/**
 * What Hetzner said last about the floating IP, and the reads and writes of it in flight. An observation, never a
 * promise: it is refreshed by every takeover, every verify and every re-check of a held address.
 *
 * @param server the server Hetzner last reported for the IP (null: unknown or unassigned)
 * @param assignInFlight an Assign was issued and its outcome has not arrived
 * @param verifyInFlight a VerifyAssignment was issued and its outcome has not arrived
 * @param nextVerifyNanos when the next read is due: the leader's verify, a re-check after a takeover or of a held
 *     address, or a credentials check; {@link Context#NEVER} when none is scheduled
 * @param holdChecks re-checks done since this node started holding the address without leadership
 * @param credentialsRejected the last Hetzner answer that judged the token was a 401/403
 * @param rejections consecutive credentials rejections while trying to take over (drives the sit-out)
 * @param lastVerifyNanos when the last read was issued ({@link Long#MIN_VALUE}: never); spaces out the extra reads
 *     after SUSPENDED → LEADING recoveries
 */
public record Routing(Long server, boolean assignInFlight, boolean verifyInFlight, long nextVerifyNanos,
    int holdChecks, boolean credentialsRejected, int rejections, long lastVerifyNanos) {
  public Routing {
    if (holdChecks < 0 || rejections < 0) {
      throw new IllegalStateException("counts must not be negative: holdChecks=" + holdChecks
          + " rejections=" + rejections);
    }
  }

  static final Routing UNKNOWN = new Routing(null, false, false, Context.NEVER, 0, false, 0, Long.MIN_VALUE);

  /** Whether Hetzner's last answer routes the IP to {@code serverId}. */
  public boolean routesTo(long serverId) {
    return server != null && server == serverId;
  }

  Routing observed(Long now) {
    return new Routing(now, assignInFlight, verifyInFlight, nextVerifyNanos, holdChecks, false, rejections,
        lastVerifyNanos);
  }

  Routing assignIssued() {
    return new Routing(server, true, verifyInFlight, nextVerifyNanos, holdChecks, credentialsRejected, rejections,
        lastVerifyNanos);
  }

  Routing assignEnded() {
    return new Routing(server, false, verifyInFlight, nextVerifyNanos, holdChecks, credentialsRejected, rejections,
        lastVerifyNanos);
  }

  Routing verifyIssued(long now) {
    return new Routing(server, assignInFlight, true, nextVerifyNanos, holdChecks, credentialsRejected, rejections,
        now);
  }

  Routing verifyEnded() {
    return new Routing(server, assignInFlight, false, nextVerifyNanos, holdChecks, credentialsRejected, rejections,
        lastVerifyNanos);
  }

  Routing verifyAt(long atNanos) {
    return new Routing(server, assignInFlight, verifyInFlight, atNanos, holdChecks, credentialsRejected, rejections,
        lastVerifyNanos);
  }

  Routing holdChecked(long nextNanos) {
    return new Routing(server, assignInFlight, verifyInFlight, nextNanos, holdChecks + 1, credentialsRejected,
        rejections, lastVerifyNanos);
  }

  Routing holdStarted(long firstCheckNanos) {
    return new Routing(server, assignInFlight, verifyInFlight, firstCheckNanos, 0, credentialsRejected, rejections,
        lastVerifyNanos);
  }

  Routing rejected(boolean duringTakeover) {
    return new Routing(server, assignInFlight, verifyInFlight, nextVerifyNanos, holdChecks, true,
        duringTakeover ? rejections + 1 : rejections, lastVerifyNanos);
  }

  /** A takeover completed: the token works for writes too. */
  Routing accepted() {
    return new Routing(server, assignInFlight, verifyInFlight, nextVerifyNanos, holdChecks, false, 0,
        lastVerifyNanos);
  }

  /** When an extra read (after a recovery) may go out: {@code spacing} after the last read of any kind. */
  long extraVerifyAllowedAt(Duration spacing) {
    return lastVerifyNanos == Long.MIN_VALUE ? Long.MIN_VALUE : lastVerifyNanos + spacing.toNanos();
  }
}
