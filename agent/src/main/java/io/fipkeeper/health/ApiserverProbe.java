package io.fipkeeper.health;

import io.fipkeeper.config.ProbeSettings;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes the local apiserver: an HTTP GET of the configured URL every interval, where only status 200 counts
 * as success, each request bounded by the timeout. Consecutive failure/success thresholds decide the verdict;
 * {@code onVerdict} gets the first verdict and then only changes. Checks run on the injected scheduler, one at
 * a time (fixed delay), so a slow apiserver can't pile up requests. When the probe is disabled in the
 * settings, {@link #start()} reports healthy at once and never sends a request.
 */
public final class ApiserverProbe implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ApiserverProbe.class);

  private final ProbeSettings settings;
  private final ScheduledExecutorService scheduler;
  private final Consumer<Boolean> onVerdict;
  /** Null when disabled. */
  private final HttpClient client;
  /** Guarded by this. */
  private final VerdictThreshold threshold;
  /** Guarded by this. */
  private ScheduledFuture<?> schedule;
  /** Guarded by this; only used when disabled. */
  private boolean disabledReported;

  /**
   * @param settings the validated probe settings ({@code enabled=false} gives the always-healthy variant)
   * @param scheduler runs the periodic checks; the probe never shuts it down
   * @param onVerdict called with the first verdict and every change, on the scheduler thread; keep it short
   * @throws IllegalArgumentException with a one-line message when the CA file holds no usable certificate
   */
  public ApiserverProbe(ProbeSettings settings, ScheduledExecutorService scheduler, Consumer<Boolean> onVerdict) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.onVerdict = Objects.requireNonNull(onVerdict, "onVerdict");
    this.threshold = new VerdictThreshold(settings.failureThreshold(), settings.successThreshold());
    if (settings.enabled()) {
      HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(settings.timeout())
          .followRedirects(HttpClient.Redirect.NEVER);
      Optional<SSLContext> tls = ProbeTls.context(settings);
      tls.ifPresent(builder::sslContext);
      this.client = builder.build();
    } else {
      this.client = null;
    }
  }

  /** Starts checking (first check at once); when disabled, reports healthy at once instead. */
  public synchronized void start() {
    if (client == null) {
      if (!disabledReported) {
        disabledReported = true;
        log.info("apiserver probe disabled state=healthy");
        onVerdict.accept(true);
      }
      return;
    }
    if (schedule == null) {
      schedule = scheduler.scheduleWithFixedDelay(this::scheduledCheck, 0, settings.interval().toMillis(),
          TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Runs one check now, on the calling thread, and updates the verdict; returns whether this single check
   * succeeded. The scheduler calls this; tests call it directly to drive the thresholds without waiting.
   */
  public boolean checkNow() {
    if (client == null) {
      return true;
    }
    Optional<String> error = request();
    boolean ok = error.isEmpty();
    synchronized (this) {
      Optional<Boolean> change = threshold.record(ok);
      if (change.isPresent()) {
        log.info("apiserver verdict state={} url={} error={}", change.get() ? "healthy" : "unhealthy",
            settings.url(), error.orElse("none"));
        onVerdict.accept(change.get());
      } else if (!ok) {
        log.debug("apiserver check failed url={} error={}", settings.url(), error.get());
      }
    }
    return ok;
  }

  private void scheduledCheck() {
    try {
      checkNow();
    } catch (RuntimeException e) {
      // an exception would cancel the fixed-delay schedule for good; keep probing instead
      log.warn("apiserver verdict callback failed error={}", e.toString());
    }
  }

  /** The current verdict: empty before the first check, always healthy when disabled and started. */
  public synchronized Optional<Boolean> verdict() {
    if (client == null) {
      return disabledReported ? Optional.of(true) : Optional.empty();
    }
    return threshold.current();
  }

  /** Stops scheduling checks; a check already running finishes. */
  @Override
  public synchronized void close() {
    if (schedule != null) {
      schedule.cancel(false);
    }
  }

  /** Empty on success, otherwise a one-line reason. */
  private Optional<String> request() {
    HttpRequest request = HttpRequest.newBuilder(settings.url()).GET().timeout(settings.timeout()).build();
    try {
      HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
      return response.statusCode() == 200 ? Optional.empty() : Optional.of("status " + response.statusCode());
    } catch (IOException e) {
      return Optional.of(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted");
    } catch (RuntimeException e) {
      // a bug here must not kill the scheduled task silently (scheduleWithFixedDelay stops on an exception)
      return Optional.of(e.toString());
    }
  }
}
