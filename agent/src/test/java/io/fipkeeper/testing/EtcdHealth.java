package io.fipkeeper.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Waits for an etcd to report {@code "health":"true"} on a plain-HTTP {@code /health} URL, polling with a short
 * exponential backoff (10 ms to 200 ms) up to a deadline; never a fixed sleep. Fails early when etcd has exited.
 */
final class EtcdHealth {

  static final Duration START_DEADLINE = Duration.ofSeconds(30);

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).version(HttpClient.Version.HTTP_1_1).build();
  private final URI healthUrl;
  private final Duration deadline;

  EtcdHealth(String healthBase, Duration deadline) {
    this.healthUrl = URI.create(healthBase + "/health");
    this.deadline = deadline;
  }

  /**
   * @param exited {@code null} while etcd lives, else a one-line reason such as {@code exited with code 1}
   * @param logTail etcd's last lines, appended to every failure
   */
  void await(Supplier<String> exited, Supplier<String> logTail) {
    long end = System.nanoTime() + deadline.toNanos();
    long backoffMillis = 10;
    String last = "no answer yet";
    HttpRequest request = HttpRequest.newBuilder(healthUrl).timeout(Duration.ofSeconds(1)).GET().build();
    while (System.nanoTime() < end) {
      String reason = exited.get();
      if (reason != null) {
        throw new IllegalStateException("etcd " + reason + " before becoming healthy; log tail:\n" + logTail.get());
      }
      try {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200 && response.body().replace(" ", "").contains("\"health\":\"true\"")) {
          return;
        }
        last = "HTTP " + response.statusCode() + " " + response.body();
      } catch (IOException e) {
        last = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for etcd", e);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(backoffMillis));
      backoffMillis = Math.min(200, backoffMillis * 2);
    }
    throw new IllegalStateException("etcd on " + healthUrl + " not healthy after " + deadline.toSeconds()
        + " s (last: " + last + "); log tail:\n" + logTail.get());
  }
}
