package io.fipkeeper.etcd;

import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.fipkeeper.leader.port.ElectionEvent;
import io.fipkeeper.time.Ticker;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one etcd lease alive with single keep-alive requests timed on the injected {@link Ticker}. It replaces
 * jetcd's keep-alive stream, whose renewals run on wall-clock timers (about once a second with a 2 s TTL) and whose
 * client-side deadline declares a healthy lease lost, and revokes it, when the wall clock steps forward.
 *
 * <p>The rule: the next request goes out one {@code interval} after the last one was sent when that one was answered,
 * and one {@code deadline} after it when it failed or was not answered within {@code deadline} (its own deadline).
 * With the defaults (TTL 2 s: interval 1 s, deadline 500 ms) a healthy lease is renewed every second and a failing
 * one every 500 ms, so two renewals reach etcd before a lease could expire even when one is lost.
 *
 * <p>What is reported, in order, to the listener:
 * <ul>
 *   <li>every answer as {@code KeepAliveOk} with the send time of its own request (a lower bound of when etcd renewed
 *       the lease), late answers included: they prove the renewal as much as timely ones;</li>
 *   <li>an error, or no answer within the deadline, as {@code KeepAliveError}: etcd may be slow, electing a leader or
 *       unreachable for now (SUSPENDED, never LOST);</li>
 *   <li>etcd answering that the lease is not found as {@code LeaseGone}, once; {@code onGone} runs right before it and
 *       the keeper stops. This is the only way this class reports a loss.</li>
 * </ul>
 *
 * <p>Nothing here reads the wall clock: {@link #pulse()} is called every few tens of milliseconds (by the election's
 * timer thread, or by a test) and decides on ticker readings alone. Thread-safe.
 */
final class LeaseKeeper implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LeaseKeeper.class);

  private final long leaseId;
  private final LongFunction<CompletableFuture<LeaseKeepAliveResponse>> renewal;
  private final long intervalNanos;
  private final long deadlineNanos;
  private final Duration deadline;
  private final Duration abandonAfter;
  private final Ticker ticker;
  private final Consumer<ElectionEvent> events;
  private final LongConsumer onGone;

  // guarded by this
  private long sequence;
  private long lastSentNanos = Long.MIN_VALUE;
  /** The last request sent was answered (either way) or missed its deadline. */
  private boolean lastSettled = true;
  /** The last settled request failed or missed its deadline: the next one goes out sooner. */
  private boolean failing;
  private boolean stopped;
  private AutoCloseable pulses = () -> { };

  /**
   * @param renewal sends one keep-alive request for a lease and completes with etcd's answer; a lease etcd does not
   *     know completes exceptionally with a NOT_FOUND error (what jetcd's {@code Lease.keepAliveOnce} does)
   * @param interval pause after an answered request
   * @param deadline each request's own deadline, and the pause after a failed or unanswered one
   * @param ttl the lease TTL: answers to requests older than this are not waited for any more
   * @param onGone runs once, before {@code LeaseGone} is reported
   */
  LeaseKeeper(long leaseId, LongFunction<CompletableFuture<LeaseKeepAliveResponse>> renewal, Duration interval,
      Duration deadline, Duration ttl, Ticker ticker, Consumer<ElectionEvent> events, LongConsumer onGone) {
    if (deadline.compareTo(interval) > 0 || deadline.isZero() || deadline.isNegative()) {
      throw new IllegalArgumentException("deadline: must be positive and at most the interval " + interval + ", got "
          + deadline);
    }
    this.leaseId = leaseId;
    this.renewal = renewal;
    this.intervalNanos = interval.toNanos();
    this.deadlineNanos = deadline.toNanos();
    this.deadline = deadline;
    this.abandonAfter = ttl;
    this.ticker = ticker;
    this.events = events;
    this.onGone = onGone;
  }

  long leaseId() {
    return leaseId;
  }

  /** Hands the keeper the handle of its periodic {@link #pulse()}; closing the keeper closes it. */
  synchronized void pulsedBy(AutoCloseable handle) {
    if (stopped) {
      closeQuietly(handle);
    } else {
      pulses = handle;
    }
  }

  /** Sends the next request if it is due by the ticker; reports a request that missed its deadline. */
  void pulse() {
    long now = ticker.read();
    long seq;
    synchronized (this) {
      if (stopped) {
        return;
      }
      if (!lastSettled && now - lastSentNanos >= deadlineNanos) {
        lastSettled = true;
        failing = true;
        events.accept(new ElectionEvent.KeepAliveError(leaseId, "no keep-alive answer within "
            + deadline.toMillis() + " ms"));
      }
      if (lastSentNanos != Long.MIN_VALUE && (!lastSettled || now - lastSentNanos < (failing ? deadlineNanos
          : intervalNanos))) {
        return;
      }
      seq = ++sequence;
      lastSentNanos = now;
      lastSettled = false;
    }
    send(seq, now);
  }

  private void send(long seq, long sentNanos) {
    CompletableFuture<LeaseKeepAliveResponse> answer;
    try {
      answer = renewal.apply(leaseId);
    } catch (RuntimeException e) { // a closed client throws synchronously
      answered(seq, sentNanos, null, e);
      return;
    }
    answer.orTimeout(abandonAfter.toNanos(), TimeUnit.NANOSECONDS)
        .whenComplete((response, error) -> answered(seq, sentNanos, response, error));
  }

  private void answered(long seq, long sentNanos, LeaseKeepAliveResponse response, Throwable error) {
    if (error != null && Failures.isLeaseNotFound(error)) {
      synchronized (this) {
        if (stopped) {
          return;
        }
        stopped = true;
        closeQuietly(pulses);
      }
      onGone.accept(leaseId);
      events.accept(new ElectionEvent.LeaseGone(leaseId));
      return;
    }
    synchronized (this) {
      if (stopped) {
        return;
      }
      boolean latest = seq == sequence;
      if (error == null) {
        if (latest) {
          lastSettled = true;
          failing = false;
        }
        // reported under the lock: no answer can be reported after a LeaseGone or a close
        events.accept(new ElectionEvent.KeepAliveOk(leaseId, response.getTTL(), sentNanos));
      } else if (latest && !lastSettled) {
        lastSettled = true;
        failing = true;
        events.accept(new ElectionEvent.KeepAliveError(leaseId, Failures.describe(error)));
      } else {
        log.debug("late keep-alive failure ignored lease={} error={}", Long.toHexString(leaseId),
            Failures.describe(error));
      }
    }
  }

  /** Stops renewing; answers still in flight are ignored. Idempotent. */
  @Override
  public void close() {
    synchronized (this) {
      stopped = true;
    }
    closeQuietly(pulses);
  }

  private static void closeQuietly(AutoCloseable handle) {
    try {
      handle.close();
    } catch (Exception e) {
      log.debug("keep-alive timer not stopped error={}", e.toString());
    }
  }
}
