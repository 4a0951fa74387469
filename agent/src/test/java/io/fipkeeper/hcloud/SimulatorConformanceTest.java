package io.fipkeeper.hcloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import io.fipkeeper.hcloudsim.Endpoint;
import io.fipkeeper.hcloudsim.Fault;
import io.fipkeeper.hcloudsim.FaultRule;
import io.fipkeeper.hcloudsim.HcloudSimulator;
import io.fipkeeper.hcloudsim.ManualSimClock;
import io.fipkeeper.hcloudsim.RecordedCall;
import io.fipkeeper.leader.port.FloatingIpTakeover.TakeoverException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The real client against the real simulator. Time is the simulator's {@link ManualSimClock}: the client's
 * sleeper advances it, so action progress and the rate-limit bucket move exactly as much as the client waited.
 */
@Timeout(60)
class SimulatorConformanceTest {
  private static final String TOKEN = "sim-secret-token-1234";
  private static final Duration POLL = Duration.ofMillis(500);

  private final ManualSimClock simClock = new ManualSimClock();
  private final List<Duration> sleeps = new ArrayList<>();
  private HcloudSimulator sim;

  private HcloudSimulator start(HcloudSimulator.Builder builder) {
    sim = builder.port(0).token("default", TOKEN).clock(simClock).build().start();
    return sim;
  }

  @AfterEach
  void stop() {
    if (sim != null) {
      sim.close();
    }
  }

  private HcloudClient client(String token) {
    return HcloudClient.builder()
        .baseUrl(sim.apiUrl())
        .token(ApiToken.of(token))
        .userAgent("fipkeeper/conformance")
        .requestTimeout(Duration.ofSeconds(5))
        .ticker(simClock::nanos)
        .clock((InstantSource) simClock::now)
        .sleeper(d -> {
          sleeps.add(d);
          simClock.advance(d);
        })
        .random(Fixtures.fixedRandom(0.5))
        .build();
  }

  private FloatingIpAssigner assigner(HcloudClient client, FloatingIpRef ref, long serverId) {
    return new FloatingIpAssigner(client, ref, serverId, POLL, Duration.ofSeconds(30));
  }

  @Test
  void assignLifecycleMovesTheIpAndIsIdempotent() throws Exception {
    start(HcloudSimulator.builder().actionDuration(Duration.ofSeconds(2)));
    long a = sim.createServer("cp-1", "198.51.100.1");
    long b = sim.createServer("cp-2", "198.51.100.2");
    long fip = sim.createFloatingIp("k8s-api", "203.0.113.10", Map.of("role", "api"));
    HcloudClient client = client(TOKEN);

    assertThat(assigner(client, FloatingIpRef.byId(fip), a).takeOver(() -> true)).isEqualTo(a);
    assertThat(sim.floatingIpServer(fip)).isEqualTo(a);
    assertThat(sleeps).as("polled every 500ms until the 2s action finished").containsOnly(POLL).hasSize(4);

    FloatingIpAssigner onB = assigner(client, FloatingIpRef.byName("k8s-api"), b);
    assertThat(onB.takeOver(() -> true)).isEqualTo(b);
    assertThat(onB.takeOver(() -> true)).as("already here: no POST").isEqualTo(b);
    assertThat(onB.address()).isEqualTo("203.0.113.10");

    assertThat(sim.floatingIpServer(fip)).isEqualTo(b);
    assertThat(sim.history()).extracting(RecordedCall::serverId, RecordedCall::httpStatus)
        .containsExactly(tuple(a, 201), tuple(b, 201));
    assertThat(sim.history()).extracting(RecordedCall::tokenLabel).containsOnly("default");
    assertThat(sim.requests()).allSatisfy(r -> {
      assertThat(r.header("authorization")).doesNotContain(TOKEN);
      assertThat(r.header("user-agent")).isEqualTo("fipkeeper/conformance");
    });
  }

  @Test
  void assignDuringARunningActionWaitsForItAndRetries() throws Exception {
    start(HcloudSimulator.builder().actionDuration(Duration.ofSeconds(3)));
    long a = sim.createServer("cp-1", "198.51.100.1");
    long b = sim.createServer("cp-2", "198.51.100.2");
    long fip = sim.createFloatingIp("k8s-api", "203.0.113.10", Map.of());
    HcloudClient client = client(TOKEN);
    HcloudAction running = client.assignFloatingIp(fip, a);
    assertThat(running.running()).isTrue();

    long result = assigner(client, FloatingIpRef.byId(fip), b).takeOver(() -> true);

    assertThat(result).isEqualTo(b);
    assertThat(sim.floatingIpServer(fip)).isEqualTo(b);
    assertThat(sim.history()).extracting(RecordedCall::serverId, RecordedCall::httpStatus, RecordedCall::errorCode)
        .containsExactly(
            tuple(a, 201, null),
            tuple(b, 423, "locked"),
            tuple(b, 201, null));
  }

  @Test
  void rateLimitedRequestWaitsAsLongAsTheHeadersSay() throws Exception {
    start(HcloudSimulator.builder().rateLimit(3, Duration.ofSeconds(30)));
    long fip = sim.createFloatingIp("k8s-api", "203.0.113.10", Map.of());
    HcloudClient client = client(TOKEN);
    for (int i = 0; i < 3; i++) {
      client.getFloatingIp(fip);
    }
    assertThat(client.lastRateLimit().remaining()).isZero();

    FloatingIp got = client.getFloatingIp(fip);

    assertThat(got.id()).isEqualTo(fip);
    // empty bucket of 3 refilling in 30s: one request back after 10s, waited once, no blind backoff
    assertThat(sleeps).containsExactly(Duration.ofSeconds(10));
    assertThat(sim.requests()).extracting(r -> r.status()).containsExactly(200, 200, 200, 429, 200);
  }

  @Test
  void actionFailingAfterCreatedIsARetryableTakeoverErrorAndTheIpStaysPut() throws Exception {
    start(HcloudSimulator.builder().actionDuration(Duration.ofSeconds(1)));
    long a = sim.createServer("cp-1", "198.51.100.1");
    long b = sim.createServer("cp-2", "198.51.100.2");
    long fip = sim.createFloatingIp("k8s-api", "203.0.113.10", Map.of());
    sim.assignDirectly(fip, a);
    sim.inject(FaultRule.next(Fault.ACTION_ERROR, Endpoint.ASSIGN, 1));

    TakeoverException e = catchThrowableOfType(TakeoverException.class,
        () -> assigner(client(TOKEN), FloatingIpRef.byId(fip), b).takeOver(() -> true));

    assertThat(e.retryable()).isTrue();
    assertThat(e.getCause()).isInstanceOf(ActionFailedException.class);
    assertThat(((ActionFailedException) e.getCause()).code()).isEqualTo("action_failed");
    assertThat(sim.floatingIpServer(fip)).isEqualTo(a);
  }

  @Test
  void labelSelectorFindsExactlyOneIpOrSaysWhyNot() throws Exception {
    start(HcloudSimulator.builder());
    long a = sim.createServer("cp-1", "198.51.100.1");
    long api = sim.createFloatingIp("api", "203.0.113.10", Map.of("role", "api", "env", "prod"));
    sim.createFloatingIp("ingress", "203.0.113.11", Map.of("role", "ingress", "env", "prod"));
    HcloudClient client = client(TOKEN);

    assertThat(client.listFloatingIps("role in (api,db),env=prod")).extracting(FloatingIp::id).containsExactly(api);
    assertThat(assigner(client, FloatingIpRef.bySelector("role=api"), a).takeOver(() -> true)).isEqualTo(a);
    assertThat(sim.floatingIpServer(api)).isEqualTo(a);

    TakeoverException e = catchThrowableOfType(TakeoverException.class,
        () -> assigner(client, FloatingIpRef.bySelector("env=prod"), a).currentServer());
    assertThat(e.getMessage()).contains("matched 2 floating ips").contains("must match exactly one");
  }

  @Test
  void listingFollowsThePagesTheSimulatorServes() throws Exception {
    start(HcloudSimulator.builder());
    for (int i = 0; i < 60; i++) {
      sim.createFloatingIp("fip-" + i, "203.0.113." + (i + 1), Map.of("pool", "x"));
    }

    List<FloatingIp> all = client(TOKEN).listFloatingIps("pool=x");

    assertThat(all).hasSize(60).extracting(FloatingIp::name).doesNotHaveDuplicates();
    assertThat(sim.requests()).hasSize(2);
  }

  @Test
  void metadataServesEachServersIdentity() throws Exception {
    start(HcloudSimulator.builder());
    long a = sim.createServer("cp-1", "198.51.100.1");
    long b = sim.createServer("cp-2", "198.51.100.2");

    MetadataClient onA = new MetadataClient(sim.metadataUrl(a));
    MetadataClient onB = new MetadataClient(sim.metadataUrl(b));

    assertThat(onA.instanceId()).isEqualTo(a);
    assertThat(onA.hostname()).isEqualTo("cp-1");
    assertThat(onA.publicIpv4()).isEqualTo("198.51.100.1");
    assertThat(onB.instanceId()).isEqualTo(b);
    assertThat(client(TOKEN).getServer(b)).isEqualTo(new Server(b, "cp-2", "running", "198.51.100.2"));
  }

  @Test
  void transientFaultsAreRetriedAndUnknownTokensAreNot() throws Exception {
    start(HcloudSimulator.builder());
    long fip = sim.createFloatingIp("k8s-api", "203.0.113.10", Map.of());
    sim.inject(FaultRule.next(Fault.UNAVAILABLE_503, Endpoint.GET_FLOATING_IP, 1));
    sim.inject(FaultRule.next(Fault.DROP_CONNECTION, Endpoint.GET_FLOATING_IP, 1));
    sim.inject(FaultRule.builder(Fault.BAD_GATEWAY_502).endpoint(Endpoint.GET_FLOATING_IP).count(1)
        .plainBody(true).build());
    List<String> codes = new ArrayList<>();
    HcloudClient client = HcloudClient.builder().baseUrl(sim.apiUrl()).token(ApiToken.of(TOKEN))
        .sleeper(d -> simClock.advance(d)).listener((op, code) -> codes.add(code)).build();

    assertThat(client.getFloatingIp(fip).id()).isEqualTo(fip);
    assertThat(sim.requests()).extracting(r -> r.status()).containsExactly(503, 0, 502, 200);
    // the JDK client itself resends a GET whose pooled connection closed before any response, so the drop
    // may never reach our retry loop; either way every attempt the client saw is reported
    assertThat(codes).startsWith("503").endsWith("502", "200").hasSizeBetween(3, 4);

    HcloudException e = catchThrowableOfType(HcloudException.class, () -> client("wrong-token").getFloatingIp(fip));
    assertThat(e.status()).isEqualTo(401);
    assertThat(e.code()).isEqualTo("unauthorized");
    assertThat(e.retryable()).isFalse();
    assertThat(e.correlationId()).isNotBlank();
  }
}
