package io.fipkeeper.bench.chaos;

import io.fipkeeper.bench.Prober;
import java.util.List;

/**
 * The client-visible outage of a trial from the outside prober's samples: the total time the floating IP did
 * not answer between the fault and the end of the trial, each gap counted from its first failed probe to the
 * next answered one. Unlike a "first gap after the event" reading, a probe that still succeeded right after
 * the fault (the process had not died yet) does not end the measurement.
 */
public final class Outage {
  private Outage() {}

  /** Milliseconds unreachable in [fromNanos, untilNanos]; null when no probe fell in the window. */
  public static Double within(List<Prober.Sample> samples, long fromNanos, long untilNanos) {
    long total = 0;
    Long failingSince = null;
    boolean any = false;
    for (Prober.Sample s : samples) {
      if (s.nanos() < fromNanos) {
        continue;
      }
      if (s.nanos() > untilNanos) {
        break;
      }
      any = true;
      if (!s.ok() && failingSince == null) {
        failingSince = s.nanos();
      } else if (s.ok() && failingSince != null) {
        total += s.nanos() - failingSince;
        failingSince = null;
      }
    }
    if (failingSince != null) {
      // still failing at the end of the window: count up to the window's end
      total += untilNanos - failingSince;
    }
    return any ? total / 1e6 : null;
  }

  /** The finding for an outage after the takeover (while the fault was undone and the testbed settled). */
  public static String afterTakeover(double ms, boolean stillFailing) {
    return String.format(java.util.Locale.ROOT, "after the takeover: the client saw %.0f ms more without an answer while the"
        + " fault was undone and the testbed settled%s", ms, stillFailing ? ", and still none at the end of the trial" : "");
  }
}
