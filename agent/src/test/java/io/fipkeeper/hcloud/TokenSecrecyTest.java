package io.fipkeeper.hcloud;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import io.fipkeeper.leader.port.FloatingIpTakeover.TakeoverException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/** The token must not reach logs (at any level), exception messages, or any toString. */
@Timeout(30)
class TokenSecrecyTest {
  private ScriptedServer server;
  private FakeTime time;
  private ListAppender<ILoggingEvent> appender;
  private Logger root;
  private Level previousLevel;

  @BeforeEach
  void start() throws Exception {
    server = new ScriptedServer();
    time = new FakeTime();
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    previousLevel = root.getLevel();
    root.setLevel(Level.TRACE);
    appender = new ListAppender<>();
    appender.setContext(context);
    appender.start();
    root.addAppender(appender);
  }

  @AfterEach
  void stop() {
    root.detachAppender(appender);
    root.setLevel(previousLevel);
    server.close();
  }

  @Test
  void tokenNeverAppearsInLogsErrorsOrToString() throws Exception {
    HcloudClient client = Fixtures.client(server, time).maxRetries(1).requestTimeout(Duration.ofSeconds(1)).build();
    List<Throwable> failures = new ArrayList<>();
    server.enqueue(
        ScriptedServer.apiError(409, "conflict", "changed"), ScriptedServer.dropConnection(),
        ScriptedServer.apiError(401, "unauthorized", "bad token " + Fixtures.TOKEN),
        ScriptedServer.hang(), ScriptedServer.apiError(504, "timeout", "slow"),
        new ScriptedServer.Reply(502, "<html>" + Fixtures.TOKEN + "</html>"),
        new ScriptedServer.Reply(502, "<html>" + Fixtures.TOKEN + "</html>"));
    for (int i = 0; i < 4; i++) {
      try {
        client.getFloatingIp(1);
      } catch (HcloudException e) {
        failures.add(e);
      }
    }
    FloatingIpAssigner assigner =
        new FloatingIpAssigner(client, FloatingIpRef.byId(4711), 42, Duration.ofMillis(500), Duration.ofSeconds(5));
    server.enqueue(Fixtures.fip(4711, 7L), Fixtures.action(201, 13, "running"),
        Fixtures.actions(Fixtures.actionObject(13, "assign_floating_ip", "error", "action_failed")));
    try {
      assigner.takeOver(() -> true);
    } catch (TakeoverException e) {
      failures.add(e);
    }

    assertThat(failures).hasSize(5);
    assertThat(appender.list).as("the scenario logged retries and the assign").isNotEmpty();
    List<String> texts = new ArrayList<>();
    for (ILoggingEvent event : appender.list) {
      texts.add(event.getFormattedMessage());
      for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
        texts.add(t.getMessage());
      }
    }
    for (Throwable failure : failures) {
      for (Throwable t = failure; t != null; t = t.getCause()) {
        texts.add(t.getMessage());
        texts.add(t.toString());
      }
    }
    texts.add(ApiToken.of(Fixtures.TOKEN).toString());
    texts.add(client.toString());
    texts.add(assigner.toString());
    assertThat(texts).noneMatch(text -> text != null && text.contains(Fixtures.TOKEN));
    assertThat(server.requests()).allSatisfy(
        request -> assertThat(request.header("Authorization")).isEqualTo("Bearer " + Fixtures.TOKEN));
  }
}
