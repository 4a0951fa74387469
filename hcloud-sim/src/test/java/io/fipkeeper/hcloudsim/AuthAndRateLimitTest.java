package io.fipkeeper.hcloudsim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class AuthAndRateLimitTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private final ManualSimClock clock = new ManualSimClock(T0);
  private HcloudSimulator sim;

  @AfterEach
  void stop() {
    if (sim != null) {
      sim.close();
    }
  }

  private SimClient start(int limit, Duration period) {
    sim = HcloudSimulator.builder().token("a", "token-a").token("b", "token-b").clock(clock)
        .rateLimit(limit, period).build().start();
    return new SimClient(sim, "token-a");
  }

  @Test
  void missingOrUnknownTokenIsUnauthorized() {
    SimClient client = start(3600, Duration.ofHours(1));

    SimClient.Reply none = client.send("GET", "/v1/floating_ips", null, null);
    SimClient.Reply wrong = client.send("GET", "/v1/floating_ips", null, "guess");
    SimClient.Reply other = client.send("GET", "/v1/floating_ips", null, "token-b");

    assertThat(none.status()).isEqualTo(401);
    assertThat(none.json().at("/error/code").asText()).isEqualTo("unauthorized");
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(other.status()).isEqualTo(200);
  }

  @Test
  void everyApiResponseCarriesCorrelationIdAndRateLimitHeaders() {
    SimClient client = start(3600, Duration.ofHours(1));

    SimClient.Reply first = client.get("/v1/floating_ips");
    SimClient.Reply notFound = client.get("/v1/floating_ips/5");
    SimClient.Reply unauthorized = client.send("GET", "/v1/floating_ips", null, null);

    for (SimClient.Reply r : new SimClient.Reply[] {first, notFound, unauthorized}) {
      assertThat(r.header("X-Correlation-Id")).isNotBlank();
      assertThat(r.header("RateLimit-Limit")).isEqualTo("3600");
      assertThat(r.header("RateLimit-Remaining")).isNotNull();
      assertThat(r.header("RateLimit-Reset")).isNotNull();
    }
    assertThat(first.header("X-Correlation-Id")).isNotEqualTo(notFound.header("X-Correlation-Id"));
    assertThat(first.header("RateLimit-Remaining")).isEqualTo("3599");
    assertThat(first.header("RateLimit-Reset")).isEqualTo(Long.toString(T0.getEpochSecond() + 1));
    assertThat(notFound.header("RateLimit-Remaining")).isEqualTo("3598");
    assertThat(unauthorized.header("RateLimit-Remaining")).as("a 401 costs nothing").isEqualTo("3598");
  }

  @Test
  void emptyBucketAnswers429UntilItRefillsAndAllTokensShareIt() {
    SimClient client = start(3, Duration.ofSeconds(3));
    client.get("/v1/floating_ips");
    client.send("GET", "/v1/floating_ips", null, "token-b");
    client.get("/v1/floating_ips");

    SimClient.Reply limited = client.get("/v1/floating_ips");
    SimClient.Reply limitedOther = client.send("GET", "/v1/floating_ips", null, "token-b");

    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.json().at("/error/code").asText()).isEqualTo("rate_limit_exceeded");
    assertThat(limited.json().at("/error/details").isNull()).isTrue();
    assertThat(limited.header("RateLimit-Remaining")).isEqualTo("0");
    assertThat(limited.header("RateLimit-Reset")).isEqualTo(Long.toString(T0.getEpochSecond() + 3));
    assertThat(limitedOther.status()).isEqualTo(429);
    assertThat(sim.rateLimitState().remaining()).isZero();

    clock.advance(Duration.ofSeconds(1));
    SimClient.Reply refilled = client.get("/v1/floating_ips");
    assertThat(refilled.status()).isEqualTo(200);
    assertThat(refilled.header("RateLimit-Remaining")).isEqualTo("0");

    clock.advance(Duration.ofSeconds(10));
    assertThat(sim.rateLimitState()).isEqualTo(new RateLimitState(3, 3, T0.getEpochSecond() + 11));
  }

  @Test
  void defaultBucketRefillsOneRequestPerSecond() {
    SimClient client = start(3600, Duration.ofHours(1));
    for (int i = 0; i < 10; i++) {
      client.get("/v1/floating_ips");
    }
    assertThat(sim.rateLimitState().remaining()).isEqualTo(3590);
    assertThat(sim.rateLimitState().resetEpochSeconds()).isEqualTo(T0.getEpochSecond() + 10);

    clock.advance(Duration.ofSeconds(4));

    assertThat(sim.rateLimitState().remaining()).isEqualTo(3594);
  }

  @Test
  void metadataNeedsNoTokenAndCostsNoRateLimit() {
    SimClient client = start(3600, Duration.ofHours(1));
    long server = sim.createServer("cp-1", "198.51.100.11");

    SimClient.Reply host = client.send("GET", sim.metadataUrl(server).getPath() + "/hostname", null, null);
    SimClient.Reply summary = client.send("GET", sim.metadataUrl(server).getPath(), null, null);

    assertThat(host.status()).isEqualTo(200);
    assertThat(host.body()).isEqualTo("cp-1");
    assertThat(summary.body()).contains("instance-id: " + server).contains("public-ipv4: 198.51.100.11")
        .contains("hostname: cp-1").contains("region: eu-central").contains("availability-zone: ");
    assertThat(client.send("GET", sim.metadataUrl(server).getPath() + "/instance-id", null, null).body())
        .isEqualTo(Long.toString(server));
    assertThat(client.send("GET", sim.metadataUrl(server).getPath() + "/public-ipv4", null, null).body())
        .isEqualTo("198.51.100.11");
    assertThat(client.send("GET", sim.metadataUrl(99).getPath() + "/hostname", null, null).status())
        .isEqualTo(404);
    assertThat(sim.rateLimitState().remaining()).isEqualTo(3600);
  }
}
