package io.fipkeeper.hcloud;

import java.time.Duration;

/**
 * The only place the Hetzner client waits: backoff between retries and the pause before each action poll.
 * Tests pass a recording sleeper that returns at once (and may advance a fake ticker).
 */
@FunctionalInterface
public interface Sleeper {
  void sleep(Duration duration) throws InterruptedException;

  /** Blocks the calling thread; interruptible. */
  static Sleeper system() {
    return duration -> {
      if (!duration.isNegative() && !duration.isZero()) {
        Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);
      }
    };
  }
}
