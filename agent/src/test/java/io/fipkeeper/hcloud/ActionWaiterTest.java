package io.fipkeeper.hcloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link HcloudClient#waitForAction}: constant interval, sleep before each poll, typed failures. */
@Timeout(30)
class ActionWaiterTest {
  private static final Duration POLL = Duration.ofMillis(500);
  private ScriptedServer server;
  private FakeTime time;
  private HcloudClient client;

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

  private static HcloudAction running(long id) {
    return new HcloudAction(id, "assign_floating_ip", "running", 0, null, null, null, null, List.of());
  }

  private static String polled(long id, String status) {
    return Fixtures.actionObject(id, "assign_floating_ip", status, "error".equals(status) ? "action_failed" : null);
  }

  @Test
  void finishedActionIsReturnedWithoutAnyRequest() throws Exception {
    HcloudAction done = new HcloudAction(13, "assign_floating_ip", "success", 100, null, null, null, null, List.of());

    assertThat(client.waitForAction(done, POLL, Duration.ofSeconds(10))).isSameAs(done);
    assertThat(server.requests()).isEmpty();
    assertThat(time.sleeps()).isEmpty();
  }

  @Test
  void alreadyFailedActionThrowsWithoutAnyRequest() {
    HcloudAction failed = new HcloudAction(
        13, "assign_floating_ip", "error", 100, null, null, "action_failed", "Action failed", List.of());

    ActionFailedException e = catchThrowableOfType(ActionFailedException.class,
        () -> client.waitForAction(failed, POLL, Duration.ofSeconds(10)));

    assertThat(e.code()).isEqualTo("action_failed");
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void pollsAtAConstantIntervalSleepingBeforeEachPollUntilSuccess() throws Exception {
    server.enqueue(Fixtures.actions(polled(13, "running")), Fixtures.actions(polled(13, "success")));

    HcloudAction done = client.waitForAction(running(13), POLL, Duration.ofSeconds(10));

    assertThat(done.succeeded()).isTrue();
    assertThat(time.sleeps()).containsExactly(POLL, POLL);
    assertThat(server.requests()).hasSize(2).allSatisfy(request -> {
      assertThat(request.path()).isEqualTo("/v1/actions");
      assertThat(request.queryValues("id")).containsExactly("13");
      assertThat(request.queryValues("sort")).containsExactly("status", "id");
    });
  }

  @Test
  void actionFailingAfterItsCreatedResponseThrowsTheActionError() {
    server.enqueue(Fixtures.actions(polled(13, "error")));

    ActionFailedException e = catchThrowableOfType(ActionFailedException.class,
        () -> client.waitForAction(running(13), POLL, Duration.ofSeconds(10)));

    assertThat(e.code()).isEqualTo("action_failed");
    assertThat(e.apiMessage()).contains("action 13 (assign_floating_ip) ended with error: Action failed");
    assertThat(e.action().failed()).isTrue();
    assertThat(e.retryable()).isTrue();
    assertThat(e.getMessage()).startsWith("hcloud wait_action failed: code=action_failed");
  }

  @Test
  void stillRunningAtTheDeadlineThrowsActionTimeoutAfterBoundedPolls() {
    server.enqueue(Collections.nCopies(10, Fixtures.actions(polled(13, "running")))
        .toArray(ScriptedServer.Reply[]::new));

    ActionTimeoutException e = catchThrowableOfType(ActionTimeoutException.class,
        () -> client.waitForAction(running(13), POLL, Duration.ofMillis(1200)));

    assertThat(e.code()).isEqualTo(ActionTimeoutException.CODE);
    assertThat(e.retryable()).isTrue();
    assertThat(e.getMessage()).contains("still running after 1200ms");
    // 500 + 500 + the 200 left: never sleeps past the deadline, polls once at it
    assertThat(time.sleeps()).containsExactly(POLL, POLL, Duration.ofMillis(200));
    assertThat(server.requests()).hasSize(3);
  }

  @Test
  void actionMissingFromThePollIsReportedAsNotFound() {
    server.enqueue(Fixtures.actions());

    HcloudException e = catchThrowableOfType(HcloudException.class,
        () -> client.waitForAction(running(13), POLL, Duration.ofSeconds(10)));

    assertThat(e.code()).isEqualTo("not_found");
    assertThat(e.getMessage()).contains("action 13 not found");
  }
}
