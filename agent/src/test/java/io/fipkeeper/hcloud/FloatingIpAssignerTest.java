package io.fipkeeper.hcloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fipkeeper.leader.port.FloatingIpTakeover.TakeoverException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The takeover sequence: GET, fence, POST assign, wait, GET; with 423, failures and lookups. */
@Timeout(30)
class FloatingIpAssignerTest {
  private static final long SELF = 42;
  private static final long OTHER = 7;
  private static final long FIP = 4711;
  private static final Duration POLL = Duration.ofMillis(500);

  private ScriptedServer server;
  private FakeTime time;
  private HcloudClient client;
  /** For each fence call, how many requests the server had seen: proves the fence ran right before a POST. */
  private final List<Integer> fenceCalls = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server = new ScriptedServer();
    time = new FakeTime();
    client = Fixtures.client(server, time).build();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private FloatingIpAssigner assigner(FloatingIpRef ref) {
    return new FloatingIpAssigner(client, ref, SELF, POLL, Duration.ofSeconds(10));
  }

  private BooleanSupplier fence(boolean answer) {
    return () -> {
      fenceCalls.add(server.requests().size());
      return answer;
    };
  }

  private List<String> calls() {
    return server.requests().stream().map(r -> r.method() + " " + r.path()).toList();
  }

  private static ScriptedServer.Reply polled(long id, String status) {
    return Fixtures.actions(Fixtures.actionObject(id, "assign_floating_ip", status,
        "error".equals(status) ? "action_failed" : null));
  }

  @Test
  void alreadyAssignedHereReturnsWithoutPostOrFence() throws Exception {
    server.enqueue(Fixtures.fip(FIP, SELF));

    long result = assigner(FloatingIpRef.byId(FIP)).takeOver(fence(true));

    assertThat(result).isEqualTo(SELF);
    assertThat(calls()).containsExactly("GET /v1/floating_ips/4711");
    assertThat(fenceCalls).isEmpty();
  }

  @Test
  void fenceRefusalMeansNoPost() {
    server.enqueue(Fixtures.fip(FIP, OTHER));

    TakeoverException e = catchThrowableOfType(TakeoverException.class,
        () -> assigner(FloatingIpRef.byId(FIP)).takeOver(fence(false)));

    assertThat(e.fenced()).isTrue();
    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage()).contains("no longer the leader");
    assertThat(calls()).containsExactly("GET /v1/floating_ips/4711");
  }

  @Test
  void fenceThatThrowsCountsAsRefusal() {
    server.enqueue(Fixtures.fip(FIP, OTHER));

    TakeoverException e = catchThrowableOfType(TakeoverException.class,
        () -> assigner(FloatingIpRef.byId(FIP)).takeOver(() -> {
          throw new IllegalStateException("etcd unreachable");
        }));

    assertThat(e.fenced()).isTrue();
    assertThat(e.getMessage()).contains("etcd unreachable");
    assertThat(calls()).doesNotContain("POST /v1/floating_ips/4711/actions/assign");
  }

  @Test
  void assignsWaitsForTheActionAndReportsTheServerHetznerSees() throws Exception {
    server.enqueue(Fixtures.fip(FIP, OTHER), Fixtures.action(201, 13, "running"), polled(13, "running"),
        polled(13, "success"), Fixtures.fip(FIP, SELF));

    long result = assigner(FloatingIpRef.byId(FIP)).takeOver(fence(true));

    assertThat(result).isEqualTo(SELF);
    assertThat(calls()).containsExactly("GET /v1/floating_ips/4711", "POST /v1/floating_ips/4711/actions/assign",
        "GET /v1/actions", "GET /v1/actions", "GET /v1/floating_ips/4711");
    assertThat(server.request(1).body()).isEqualTo("{\"server\":42}");
    assertThat(fenceCalls).containsExactly(1);
    assertThat(time.sleeps()).containsExactly(POLL, POLL);
  }

  @Test
  void lockedAssignWaitsForTheRunningActionThenFencesAndRetries() throws Exception {
    server.enqueue(Fixtures.fip(FIP, OTHER),
        ScriptedServer.apiError(423, "locked", "Floating IP is locked"),
        Fixtures.actions(Fixtures.actionObject(5, "unassign_floating_ip", "running", null)),
        polled(5, "success"),
        Fixtures.fip(FIP, null),
        Fixtures.action(201, 13, "running"),
        polled(13, "success"),
        Fixtures.fip(FIP, SELF));

    long result = assigner(FloatingIpRef.byId(FIP)).takeOver(fence(true));

    assertThat(result).isEqualTo(SELF);
    assertThat(calls()).containsExactly("GET /v1/floating_ips/4711", "POST /v1/floating_ips/4711/actions/assign",
        "GET /v1/floating_ips/4711/actions", "GET /v1/actions", "GET /v1/floating_ips/4711",
        "POST /v1/floating_ips/4711/actions/assign", "GET /v1/actions", "GET /v1/floating_ips/4711");
    assertThat(server.request(2).queryValues("status")).containsExactly("running");
    assertThat(server.request(3).queryValues("id")).containsExactly("5");
    assertThat(fenceCalls).as("fenced right before each POST").containsExactly(1, 5);
  }

  @Test
  void lockedAssignStopsWhenTheIpTurnsOutToBeHereAlready() throws Exception {
    server.enqueue(Fixtures.fip(FIP, OTHER), ScriptedServer.apiError(423, "locked", "locked"),
        Fixtures.actions(Fixtures.actionObject(5, "assign_floating_ip", "running", null)),
        polled(5, "success"), Fixtures.fip(FIP, SELF));

    long result = assigner(FloatingIpRef.byId(FIP)).takeOver(fence(true));

    assertThat(result).isEqualTo(SELF);
    assertThat(calls()).filteredOn(c -> c.startsWith("POST")).hasSize(1);
  }

  @Test
  void lockedWithNothingRunningOnTheIpPausesWithGrowingIntervals() throws Exception {
    server.enqueue(Fixtures.fip(FIP, OTHER), ScriptedServer.apiError(423, "locked", "server is locked"),
        Fixtures.actions(), Fixtures.fip(FIP, OTHER), ScriptedServer.apiError(423, "locked", "server is locked"),
        Fixtures.actions(), Fixtures.fip(FIP, OTHER), Fixtures.action(201, 13, "success"), Fixtures.fip(FIP, SELF));

    long result = assigner(FloatingIpRef.byId(FIP)).takeOver(fence(true));

    assertThat(result).isEqualTo(SELF);
    assertThat(time.sleeps()).containsExactly(POLL, POLL.multipliedBy(2));
  }

  @Test
  void assignWhoseResponseWasLostIsResentAndTheResultingLockResolvesToThisServer() throws Exception {
    // the first POST reached Hetzner but the connection dropped; the resend finds our own action running
    server.enqueue(Fixtures.fip(FIP, OTHER), ScriptedServer.dropConnection(),
        ScriptedServer.apiError(423, "locked", "Floating IP is locked"),
        Fixtures.actions(Fixtures.actionObject(13, "assign_floating_ip", "running", null)),
        polled(13, "success"), Fixtures.fip(FIP, SELF));

    long result = assigner(FloatingIpRef.byId(FIP)).takeOver(fence(true));

    assertThat(result).isEqualTo(SELF);
    assertThat(calls()).filteredOn(c -> c.startsWith("POST")).hasSize(2);
    assertThat(fenceCalls).as("fenced again before the resend").containsExactly(1, 2);
  }

  @Test
  void leadershipLostDuringRetryBackoffStopsTheResend() {
    server.enqueue(Fixtures.fip(FIP, OTHER), ScriptedServer.apiError(409, "conflict", "changed"));
    List<Boolean> answers = new ArrayList<>(List.of(true, false));

    TakeoverException e = catchThrowableOfType(TakeoverException.class,
        () -> assigner(FloatingIpRef.byId(FIP)).takeOver(() -> answers.remove(0)));

    assertThat(e.fenced()).isTrue();
    assertThat(e.retryable()).isFalse();
    assertThat(answers).isEmpty();
    assertThat(calls()).containsExactly("GET /v1/floating_ips/4711", "POST /v1/floating_ips/4711/actions/assign");
  }

  @Test
  void lockedOnEveryAttemptGivesUpRetryableAfterABoundedNumberOfPosts() {
    for (int i = 0; i < FloatingIpAssigner.MAX_LOCKED_ATTEMPTS; i++) {
      server.enqueue(Fixtures.fip(FIP, OTHER), ScriptedServer.apiError(423, "locked", "locked"), Fixtures.actions());
    }

    TakeoverException e = catchThrowableOfType(TakeoverException.class,
        () -> assigner(FloatingIpRef.byId(FIP)).takeOver(fence(true)));

    assertThat(e.retryable()).isTrue();
    assertThat(e.fenced()).isFalse();
    assertThat(e.getMessage()).contains("still locked after 3 assign attempts");
    assertThat(calls()).filteredOn(c -> c.startsWith("POST")).hasSize(FloatingIpAssigner.MAX_LOCKED_ATTEMPTS);
  }

  @Test
  void actionFailingAfterCreatedIsARetryableTakeoverError() {
    server.enqueue(Fixtures.fip(FIP, OTHER), Fixtures.action(201, 13, "running"), polled(13, "error"));

    TakeoverException e = catchThrowableOfType(TakeoverException.class,
        () -> assigner(FloatingIpRef.byId(FIP)).takeOver(fence(true)));

    assertThat(e.retryable()).isTrue();
    assertThat(e.fenced()).isFalse();
    assertThat(e.getCause()).isInstanceOf(ActionFailedException.class);
    assertThat(e.getMessage()).contains("wait for assign action 13 failed").contains("action_failed");
  }

  @Test
  void actionOutlivingTheTimeoutIsARetryableTakeoverError() {
    server.enqueue(Fixtures.fip(FIP, OTHER), Fixtures.action(201, 13, "running"));
    for (int i = 0; i < 5; i++) {
      server.enqueue(polled(13, "running"));
    }
    FloatingIpAssigner assigner = new FloatingIpAssigner(client, FloatingIpRef.byId(FIP), SELF, POLL,
        Duration.ofSeconds(2));

    TakeoverException e = catchThrowableOfType(TakeoverException.class, () -> assigner.takeOver(fence(true)));

    assertThat(e.retryable()).isTrue();
    assertThat(e.getCause()).isInstanceOf(ActionTimeoutException.class);
    assertThat(time.slept()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void unauthorizedIsNotRetryable() {
    server.enqueue(Fixtures.fip(FIP, OTHER), ScriptedServer.apiError(401, "unauthorized", "unable to authenticate"));

    TakeoverException e = catchThrowableOfType(TakeoverException.class,
        () -> assigner(FloatingIpRef.byId(FIP)).takeOver(fence(true)));

    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage()).contains("assign failed").contains("code=unauthorized")
        .doesNotContain(Fixtures.TOKEN);
  }

  @Test
  void unknownIdIsANonRetryableConfigurationError() {
    server.enqueue(ScriptedServer.apiError(404, "not_found", "Floating IP not found"));

    TakeoverException e = catchThrowableOfType(TakeoverException.class,
        () -> assigner(FloatingIpRef.byId(FIP)).takeOver(fence(true)));

    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage()).startsWith("floating ip id 4711 does not exist");
  }

  @Test
  void selectorMatchingTwoIpsIsAClearError() {
    server.enqueue(Fixtures.fipPage(1, null, List.of(Fixtures.fipObject(1, "a", "198.51.100.1", null, "{}"),
        Fixtures.fipObject(2, "b", "198.51.100.2", null, "{}"))));

    TakeoverException e = catchThrowableOfType(TakeoverException.class,
        () -> assigner(FloatingIpRef.bySelector("role=api")).takeOver(fence(true)));

    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage()).isEqualTo(
        "label selector \"role=api\" matched 2 floating ips (ids 1, 2); it must match exactly one");
    assertThat(server.request(0).queryValues("label_selector")).containsExactly("role=api");
  }

  @Test
  void selectorMatchingNothingIsAClearError() {
    server.enqueue(Fixtures.fipPage(1, null, List.of()));

    TakeoverException e = catchThrowableOfType(TakeoverException.class,
        () -> assigner(FloatingIpRef.bySelector("role=api")).currentServer());

    assertThat(e.getMessage()).isEqualTo(
        "label selector \"role=api\" matched 0 floating ips; it must match exactly one");
  }

  @Test
  void unknownNameIsAClearError() {
    server.enqueue(Fixtures.fipPage(1, null, List.of()));

    TakeoverException e = catchThrowableOfType(TakeoverException.class,
        () -> assigner(FloatingIpRef.byName("k8s-api")).currentServer());

    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage()).isEqualTo("no floating ip with name \"k8s-api\" exists in the project");
  }

  @Test
  void nameIsResolvedOnceThenTheIdIsRead() throws Exception {
    server.enqueue(Fixtures.fipPage(1, null, List.of(Fixtures.fipObject(9, "k8s-api", "198.51.100.9", SELF, "{}"))),
        ScriptedServer.json(200, "{\"floating_ip\":" + Fixtures.fipObject(9, "k8s-api", "198.51.100.9", SELF, "{}")
            + "}"));
    FloatingIpAssigner assigner = assigner(FloatingIpRef.byName("k8s-api"));

    assertThat(assigner.takeOver(fence(true))).isEqualTo(SELF);
    assertThat(assigner.takeOver(fence(true))).isEqualTo(SELF);

    assertThat(calls()).containsExactly("GET /v1/floating_ips", "GET /v1/floating_ips/9");
    assertThat(assigner.address()).isEqualTo("198.51.100.9");
  }

  @Test
  void currentServerIsOneGet() throws Exception {
    server.enqueue(Fixtures.fip(FIP, OTHER), Fixtures.fip(FIP, null));
    FloatingIpAssigner assigner = assigner(FloatingIpRef.byId(FIP));

    assertThat(assigner.currentServer()).isEqualTo(OTHER);
    assertThat(assigner.currentServer()).isNull();
    assertThat(calls()).containsExactly("GET /v1/floating_ips/4711", "GET /v1/floating_ips/4711");
  }

  @Test
  void rateLimitedReadIsARetryableTakeoverError() {
    HcloudClient noRetries = Fixtures.client(server, time).maxRetries(0).build();
    server.enqueue(ScriptedServer.apiError(429, "rate_limit_exceeded", "slow down"));

    TakeoverException e = catchThrowableOfType(TakeoverException.class,
        () -> new FloatingIpAssigner(noRetries, FloatingIpRef.byId(FIP), SELF, POLL, Duration.ofSeconds(10))
            .takeOver(fence(true)));

    assertThat(e.retryable()).isTrue();
    assertThat(fenceCalls).isEmpty();
  }

  private static ScriptedServer.Reply budget(ScriptedServer.Reply reply, int remaining) {
    return reply.header("RateLimit-Limit", "3600").header("RateLimit-Remaining", String.valueOf(remaining))
        .header("RateLimit-Reset", String.valueOf(java.time.Instant.parse("2026-11-25T13:00:00Z").getEpochSecond()));
  }

  /**
   * Regression (issue 8, defect 7): during a takeover, 503s were retried with a bulk client's backoff (1 s, 1-2 s,
   * 1-4 s, ...), so a takeover finished seconds after the outage had ended while the endpoint stayed dark. While the
   * rate-limit budget is comfortable the takeover now retries after at most 1 s.
   */
  @Test
  void aTakeoverRetriesServerErrorsAfterAtMostOneSecondWhileTheBudgetIsComfortable() throws Exception {
    HcloudClient jittery = Fixtures.client(server, time).random(Fixtures.fixedRandom(0.99)).build();
    server.enqueue(budget(Fixtures.fip(FIP, OTHER), 3000));
    for (int i = 0; i < 4; i++) {
      server.enqueue(budget(ScriptedServer.apiError(503, "unavailable", "service unavailable"), 3000 - i));
    }
    server.enqueue(budget(Fixtures.action(201, 1, "success"), 2990));
    server.enqueue(budget(Fixtures.fip(FIP, SELF), 2989));

    long result = new FloatingIpAssigner(jittery, FloatingIpRef.byId(FIP), SELF, POLL, Duration.ofSeconds(10))
        .takeOver(fence(true));

    assertThat(result).isEqualTo(SELF);
    assertThat(time.sleeps()).as("four short retries").hasSize(4)
        .allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(Duration.ofSeconds(1)).isPositive());
    assertThat(fenceCalls).as("the fence before every POST, retries included").hasSize(5);
  }

  /** Bulk reads, and a takeover when the budget is low, keep the long backoff: the budget is the project's. */
  @Test
  void readsAndTakeoversOnALowBudgetKeepTheLongBackoff() throws Exception {
    HcloudClient jittery = Fixtures.client(server, time).random(Fixtures.fixedRandom(0.99)).build();
    server.enqueue(budget(Fixtures.fip(FIP, OTHER), 50));
    server.enqueue(budget(ScriptedServer.apiError(503, "unavailable", "service unavailable"), 49));
    server.enqueue(budget(ScriptedServer.apiError(503, "unavailable", "service unavailable"), 48));
    server.enqueue(budget(Fixtures.action(201, 1, "success"), 47));
    server.enqueue(budget(Fixtures.fip(FIP, SELF), 46));
    FloatingIpAssigner assigner = new FloatingIpAssigner(jittery, FloatingIpRef.byId(FIP), SELF, POLL,
        Duration.ofSeconds(10));
    assigner.takeOver(fence(true));
    assertThat(time.sleeps()).as("50 of 3600 left: not comfortable")
        .containsExactly(Duration.ofSeconds(1), Duration.ofMillis(1990));

    server.enqueue(budget(ScriptedServer.apiError(503, "unavailable", "service unavailable"), 3000));
    server.enqueue(budget(ScriptedServer.apiError(503, "unavailable", "service unavailable"), 2999));
    server.enqueue(budget(Fixtures.fip(FIP, SELF), 2998));
    assertThat(assigner.currentServer()).isEqualTo(SELF);
    assertThat(time.sleeps().subList(2, 4)).as("a verify is a bulk read")
        .containsExactly(Duration.ofSeconds(1), Duration.ofMillis(1990));
  }
}
