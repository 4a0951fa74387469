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
 */
final class RetryPolicy {
  private static final Set<String> RETRIED_CODES =
      Set.of("conflict", "rate_limit_exceeded", "limit_reached", "timeout", "bad_gateway", "unavailable");

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

  /** The wait before retry {@code retry} (0-based) after an HTTP error response, or empty: don't retry. */
  Optional<Duration> afterResponse(HcloudException failure, HttpHeaders headers, int retry) {
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
    return Optional.of(backoff.delay(retry, random));
  }

  /** The wait before retry {@code retry} after a network failure, or empty when attempts are used up. */
  Optional<Duration> afterNetworkError(int retry) {
    return retry >= maxRetries ? Optional.empty() : Optional.of(backoff.delay(retry, random));
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
