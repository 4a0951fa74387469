package io.fipkeeper;

import io.fipkeeper.time.Ticker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where the milliseconds of one start-up go: named marks on the ticker, printed once as one log line. A restarted
 * leader must keep its lease alive before etcd expires it (1-2.5 s after the crash with a 2 s TTL), so the time from
 * the process start to the adopted lease's first keep-alive is worth watching in every log.
 *
 * <p>The first figure, the JVM's own start (to {@code main}), is the JVM's recorded start time against the wall clock at
 * {@code main} (the kernel's process start time is useless here: its boot-time base has whole seconds); it is for
 * humans only, never for a decision.
 * Thread-safe.
 */
final class StartupTimeline {

  /** {@code main}'s entry, on the ticker and the wall clock; unset when the agent is started in-process (tests). */
  private static volatile long mainNanos = Long.MIN_VALUE;
  private static volatile Instant mainWall;

  private final Ticker ticker;
  private final long originNanos;
  /** The wall clock at {@code main}, when {@code main} ran. */
  private final Optional<Instant> mainAt;
  // guarded by this
  private final List<String> marks = new ArrayList<>();
  private final List<String> steps = new ArrayList<>();
  private long lastNanos;

  private StartupTimeline(Ticker ticker, long originNanos, Optional<Instant> mainAt) {
    this.ticker = ticker;
    this.originNanos = originNanos;
    this.mainAt = mainAt;
    this.lastNanos = originNanos;
  }

  /** Called first thing in {@code main}. */
  static void mainEntered() {
    mainNanos = System.nanoTime();
    mainWall = Instant.now();
  }

  /** A timeline that starts at {@code main} (or now, when {@code main} did not run: an in-process agent). */
  static StartupTimeline sinceMain() {
    Ticker ticker = Ticker.system();
    long main = mainNanos;
    if (main == Long.MIN_VALUE) {
      return new StartupTimeline(ticker, ticker.read(), Optional.empty());
    }
    return new StartupTimeline(ticker, main, Optional.of(mainWall));
  }

  /** For tests: a timeline on {@code ticker} from its current reading. */
  static StartupTimeline on(Ticker ticker) {
    return new StartupTimeline(ticker, ticker.read(), Optional.empty());
  }

  /** Records that {@code step} ended now (the time since the previous mark is its cost). */
  synchronized void mark(String step) {
    long now = ticker.read();
    marks.add(step + "=" + millis(now - lastNanos) + "@" + millis(now - originNanos));
    steps.add(step);
    lastNanos = now;
  }

  /** The steps marked so far, in order. */
  synchronized List<String> steps() {
    return List.copyOf(steps);
  }

  /**
   * One line: {@code jvm=<ms>} (process start to main, when known), then each step as
   * {@code name=<its ms>@<ms since main>}.
   */
  synchronized String render() {
    StringBuilder s = new StringBuilder();
    // read only now: the management classes are not worth loading before the lease is adopted
    mainAt.map(main -> Duration.between(
            Instant.ofEpochMilli(java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime()), main))
        .filter(d -> !d.isNegative())
        .ifPresent(d -> s.append("jvm=").append(d.toMillis()));
    for (String m : marks) {
      if (!s.isEmpty()) {
        s.append(' ');
      }
      s.append(m);
    }
    return s.toString();
  }

  private static long millis(long nanos) {
    return Math.round(nanos / 1e6);
  }
}
