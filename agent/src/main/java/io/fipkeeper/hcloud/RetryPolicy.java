package io.fipkeeper.hcloud;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Decides whether a failed attempt is retried automatically and how long to wait first.
 *
 * <p>Retried, as in hcloud-go: API codes {@code conflict}, {@code rate_limit_exceeded}, {@code timeout},
 * {@code bad_gateway}; a 502/504 whose body is not JSON; network failures. Also retried, unlike hcloud-go:
 * {@code unavailable}/503 (a transient backend outage should not fail a takeover), and every 429 whatever its
 * body. Never retried here: {@code locked} (423) and everything else; the caller decides.
 *
 * <p>On 429 the wait comes from the headers instead of a blind backoff: {@code Retry-After} when present;
 * otherwise, with {@code RateLimit-Remaining: 0}, the time until one request is back in the bucket (see
 * {@link #rateLimitWait}), never beyond {@code RateLimit-Reset}. Every wait is at most the backoff cap.
 *
 * <p>Urgent calls (a takeover, while the endpoint may be dark) wait at most {@link #URGENT} between retries of server
 * errors, conflicts and network failures, but only while the budget is known and comfortable (the last
 * {@code RateLimit-Remaining} at least a tenth of the limit, and at least {@link #COMFORTABLE_MIN}): the project's
 * 3600 requests an hour are shared with the CCM and the CSI driver. A 429 is never shortened. Bulk calls keep the
 * long hcloud-go backoff.
 */
final class RetryPolicy {
  private static final Set<String> RETRIED_CODES =
      Set.of("conflict", "rate_limit_exceeded", "limit_reached", "timeout", "bad_gateway", "unavailable");

  /** Backoff of urgent retries: 250 ms, then up to 500 ms, then up to 1 s. */
  static final Backoff URGENT = new Backoff(Duration.ofMillis(250), Duration.ofSeconds(1), 2, true);
  /** Below this many requests left, urgent calls fall back to the long backoff. */
  static final int COMFORTABLE_MIN = 100;

  private final int maxRetries;
  private final Backoff backoff;
  private final RandomGenerator random;
  private final InstantSource clock;

  RetryPolicy(int maxRetries, Backoff backoff, RandomGenerator random, InstantSource clock) {
    this.maxRetries = maxRetries;
    this.backoff = backoff;
    this.random = random;
    this.clock = clock;
  }

  int maxRetries() {
    return maxRetries;
  }

  /** The wait before retry {@code retry} (0-based) after an HTTP error response of a bulk call, or empty. */
  Optional<Duration> afterResponse(HcloudException failure, HttpHeaders headers, int retry) {
    return afterResponse(failure, headers, retry, false, null);
  }

  /**
   * The wait before retry {@code retry} (0-based) after an HTTP error response, or empty: don't retry.
   * {@code known} is the latest rate-limit reading (null: none yet); the response's own headers win.
   */
  Optional<Duration> afterResponse(HcloudException failure, HttpHeaders headers, int retry, boolean urgent,
      RateLimit known) {
    if (retry >= maxRetries) {
      return Optional.empty();
    }
    int status = failure.status();
    boolean jsonError = !HcloudException.INVALID_RESPONSE.equals(failure.code());
    boolean retried = status == 429
        || (jsonError && RETRIED_CODES.contains(failure.code()))
        || (!jsonError && (status == 502 || status == 503 || status == 504));
    if (!retried) {
      return Optional.empty();
    }
    Optional<Duration> retryAfter = retryAfter(headers);
    if (retryAfter.isPresent()) {
      return Optional.of(capped(retryAfter.get()));
    }
    if (status == 429 || "rate_limit_exceeded".equals(failure.code())) {
      return Optional.of(rateLimitWait(headers).map(this::capped).orElseGet(() -> backoff.delay(retry, random)));
    }
    return Optional.of(delay(retry, urgent, rateLimit(headers).orElse(known)));
  }

  /** The wait before retry {@code retry} after a network failure of a bulk call, or empty. */
  Optional<Duration> afterNetworkError(int retry) {
    return afterNetworkError(retry, false, null);
  }

  /** The wait before retry {@code retry} after a network failure, or empty when attempts are used up. */
  Optional<Duration> afterNetworkError(int retry, boolean urgent, RateLimit known) {
    return retry >= maxRetries ? Optional.empty() : Optional.of(delay(retry, urgent, known));
  }

  private Duration delay(int retry, boolean urgent, RateLimit budget) {
    Duration normal = backoff.delay(retry, random);
    if (!urgent || !comfortable(budget)) {
      return normal;
    }
    Duration quick = URGENT.delay(retry, random);
    return quick.compareTo(normal) < 0 ? quick : normal;
  }

  /** The budget is known and at least a tenth of the limit (and {@link #COMFORTABLE_MIN}) is left. */
  static boolean comfortable(RateLimit budget) {
    return budget != null && budget.limit() > 0
        && budget.remaining() >= Math.max(COMFORTABLE_MIN, budget.limit() / 10);
  }

  /**
   * Time until the bucket holds one request again; empty when the headers don't say (or it isn't empty).
   * The bucket refills linearly and is full at {@code RateLimit-Reset}, so one request is back after
   * {@code (reset - now) / (limit - remaining)}: exactly 1s for Hetzner's 3600/h, and right for a simulator
   * with another period too. Only when the reset is not in the future (our clock is off) is the hourly
   * rate assumed: {@code ceil(3600 / limit)}. Whole seconds, at least 1s, as the headers have 1s precision.
   */
  Optional<Duration> rateLimitWait(HttpHeaders headers) {
    Optional<RateLimit> rateLimit = rateLimit(headers);
    if (rateLimit.isEmpty() || rateLimit.get().limit() <= 0 || rateLimit.get().remaining() > 0) {
      return Optional.empty();
    }
    RateLimit limit = rateLimit.get();
    long untilResetMillis = Duration.between(clock.instant(), limit.reset()).toMillis();
    long seconds = untilResetMillis > 0
        ? ceilDiv(untilResetMillis, 1000L * (limit.limit() - limit.remaining()))
        : ceilDiv(3600, limit.limit());
    return Optional.of(Duration.ofSeconds(Math.max(1, seconds)));
  }

  private static long ceilDiv(long dividend, long divisor) {
    return -Math.floorDiv(-dividend, divisor);
  }

  static Optional<RateLimit> rateLimit(HttpHeaders headers) {
    Optional<String> limit = headers.firstValue("RateLimit-Limit");
    Optional<String> remaining = headers.firstValue("RateLimit-Remaining");
    Optional<String> reset = headers.firstValue("RateLimit-Reset");
    if (limit.isEmpty() || remaining.isEmpty() || reset.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new RateLimit(
          Integer.parseInt(limit.get().strip()),
          Integer.parseInt(remaining.get().strip()),
          Instant.ofEpochSecond(Long.parseLong(reset.get().strip()))));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** {@code Retry-After} as delay-seconds or an HTTP date. */
  private Optional<Duration> retryAfter(HttpHeaders headers) {
    Optional<String> value = headers.firstValue("Retry-After").map(String::strip);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    try {
      long seconds = Long.parseLong(value.get());
      return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
    } catch (NumberFormatException notSeconds) {
      try {
        Instant at = ZonedDateTime.parse(value.get(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration wait = Duration.between(clock.instant(), at);
        return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
      } catch (DateTimeParseException notDate) {
        return Optional.empty();
      }
    }
  }

  private Duration capped(Duration wait) {
    return wait.compareTo(backoff.cap()) > 0 ? backoff.cap() : wait;
  }
}
