package io.fipkeeper.hcloud;

import io.fipkeeper.time.Ticker;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls one action until it leaves {@code running}, at a constant interval, sleeping before each poll
 * (hcloud-go's {@code WaitFor}); never polls an action that is already finished. The deadline is measured on
 * the {@link Ticker}; a poll's own retries may overrun it by their backoff.
 */
final class ActionWaiter {
  private static final Logger log = LoggerFactory.getLogger(ActionWaiter.class);
  private static final String OPERATION = "wait_action";

  private final HcloudClient client;
  private final Sleeper sleeper;
  private final Ticker ticker;

  ActionWaiter(HcloudClient client, Sleeper sleeper, Ticker ticker) {
    this.client = client;
    this.sleeper = sleeper;
    this.ticker = ticker;
  }

  HcloudAction await(HcloudAction action, Duration pollInterval, Duration deadline) throws HcloudException {
    Objects.requireNonNull(action, "action");
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException("pollInterval must be positive, got " + pollInterval);
    }
    long started = ticker.read();
    HcloudAction current = action;
    while (current.running()) {
      long remaining = deadline.toNanos() - (ticker.read() - started);
      if (remaining <= 0) {
        throw new ActionTimeoutException(OPERATION, current, deadline);
      }
      try {
        sleeper.sleep(Duration.ofNanos(Math.min(pollInterval.toNanos(), remaining)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new HcloudException(OPERATION, 0, HcloudException.INTERRUPTED,
            "interrupted while waiting for action " + current.id(), null, null, e);
      }
      List<HcloudAction> polled = client.getActions(List.of(current.id()));
      long id = current.id();
      current = polled.stream().filter(a -> a.id() == id).findFirst().orElseThrow(() -> new HcloudException(
          OPERATION, 0, "not_found", "action " + id + " not found", null, null, null));
      log.debug("hcloud action polled action={} state={} progress={}", id, current.status(), current.progress());
    }
    if (current.failed()) {
      throw new ActionFailedException(OPERATION, current);
    }
    return current;
  }
}
