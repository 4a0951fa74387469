package io.fipkeeper.etcd;

/**
 * When {@link PreferredMember} checks where the client is, and when it moves the client back: pure counting, one
 * {@link #tick()} per check interval, no clock and no I/O (table-tested).
 *
 * <ul>
 *   <li>home: a check every {@link #HOME_CHECK_EVERY} ticks; away, or after a check that failed: every tick;</li>
 *   <li>away, the client moves back after {@code settle} healthy answers of the preferred member in a row
 *       ({@link #SETTLE} at first; any unhealthy answer or failed check starts the count over);</li>
 *   <li>leaving home within {@link #FLAP_WINDOW} ticks of a move back is a flap: {@code settle} doubles, up to
 *       {@link #MAX_SETTLE}, so a flapping member is not followed at every flap; {@link #FORGET_FLAPS} ticks at home
 *       after the last move bring it back to {@link #SETTLE}.</li>
 * </ul>
 *
 * <p>Not thread-safe: one owner (the election's timer thread).
 */
final class ReturnSchedule {

  /** While home, a check every this many ticks. */
  static final int HOME_CHECK_EVERY = 5;
  /** Healthy answers in a row before the first move back: with 1 s ticks, a member healthy for 2 s. */
  static final int SETTLE = 3;
  /** The most healthy answers in a row ever asked for: a minute. */
  static final int MAX_SETTLE = 60;
  /** Leaving home within this many ticks of a move back counts as a flap. */
  static final int FLAP_WINDOW = 60;
  /** This many ticks since the last move, found at home, forget earlier flaps (ten minutes). */
  static final int FORGET_FLAPS = 600;

  private long ticks;
  private boolean home;
  /** The last check could not tell where the client is: check every tick until one can. */
  private boolean unsure;
  private int healthyInARow;
  private int settle = SETTLE;
  private long movedAt = Long.MIN_VALUE / 2;

  /** One interval passed; true when a check is due now. */
  boolean tick() {
    ticks++;
    return !home || unsure || ticks % HOME_CHECK_EVERY == 0;
  }

  /** The check found the client on the preferred member. */
  void atHome() {
    home = true;
    unsure = false;
    healthyInARow = 0;
    if (ticks - movedAt > FORGET_FLAPS) {
      settle = SETTLE;
    }
  }

  /**
   * The check found the client elsewhere and the preferred member {@code healthy} or not; true when it is time to
   * move back (the count then starts over).
   */
  boolean away(boolean healthy) {
    if (home && ticks - movedAt < FLAP_WINDOW) {
      settle = Math.min(settle * 2, MAX_SETTLE);
    }
    home = false;
    unsure = false;
    if (!healthy) {
      healthyInARow = 0;
      return false;
    }
    if (++healthyInARow < settle) {
      return false;
    }
    healthyInARow = 0;
    return true;
  }

  /**
   * The check could not tell (a call failed): the count of healthy answers starts over, and checks are due every tick
   * until one tells again (at home too: a client that cannot reach its member may have to be rebuilt, see {@link
   * PreferredMember}).
   */
  void unknown() {
    healthyInARow = 0;
    unsure = true;
  }

  /** The client was moved back to the preferred member. */
  void movedBack() {
    home = true;
    unsure = false;
    movedAt = ticks;
  }

  /** Healthy answers in a row needed now. */
  int settle() {
    return settle;
  }
}
