package io.fipkeeper.leader;

/**
 * Progress of the current term's takeover: Hetzner routing the IP to this server, bounded by {@code takeoverTimeout}.
 * {@link #NONE} when there is no term.
 *
 * @param startNanos when the term was won (failover duration origin); {@link Long#MIN_VALUE} once reported
 * @param deadlineNanos when the takeover is given up unless done; {@link Context#NEVER} once done
 * @param failures failed assign/bind steps in this takeover (drives the short retry)
 * @param retryAtNanos when to retry the failed step; {@link Context#NEVER} when none is pending
 * @param assigned Hetzner reported the IP on this server during this term
 */
public record Acquisition(long startNanos, long deadlineNanos, int failures, long retryAtNanos, boolean assigned) {
  private static final long NEVER = Context.NEVER;

  public Acquisition {
    if (failures < 0) {
      throw new IllegalStateException("failures must not be negative, got " + failures);
    }
    if (assigned && deadlineNanos != NEVER) {
      throw new IllegalStateException("an assigned takeover has no deadline left");
    }
  }

  /** No term, nothing in progress. */
  public static final Acquisition NONE = new Acquisition(Long.MIN_VALUE, NEVER, 0, NEVER, false);

  /** A takeover that starts now and must be done by {@code deadlineNanos}. */
  static Acquisition started(long now, long deadlineNanos) {
    return new Acquisition(now, deadlineNanos, 0, NEVER, false);
  }

  /** Hetzner routes the IP here: done (a pending bind retry stays pending). */
  Acquisition done() {
    return new Acquisition(startNanos, NEVER, failures, retryAtNanos, true);
  }

  /** The IP left this server while leading: a new takeover, bounded again, without a failover report. */
  Acquisition restarted(long deadlineNanos) {
    return new Acquisition(Long.MIN_VALUE, deadlineNanos, 0, NEVER, false);
  }

  Acquisition failed(long retryAtNanos) {
    return new Acquisition(startNanos, deadlineNanos, failures + 1, retryAtNanos, assigned);
  }

  /** The IP is not (or no longer) routed here according to Hetzner. */
  Acquisition notAssigned() {
    return assigned ? new Acquisition(startNanos, NEVER, failures, retryAtNanos, false) : this;
  }

  Acquisition retryStarted() {
    return new Acquisition(startNanos, deadlineNanos, failures, NEVER, assigned);
  }

  Acquisition reported() {
    return new Acquisition(Long.MIN_VALUE, deadlineNanos, failures, retryAtNanos, assigned);
  }
}
