package io.fipkeeper.e2e;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Every log event of the JVM while open, the agent's DEBUG ones included (the console appender filters at INFO; this
 * capture does not): for tests that check what must never be logged, such as the token.
 */
final class CapturedLogs implements AutoCloseable {
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final ch.qos.logback.classic.Logger root =
      (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final ch.qos.logback.classic.Logger fipkeeper =
      (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.fipkeeper");
  private final Level previous;

  CapturedLogs() {
    appender.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
    appender.start();
    root.addAppender(appender);
    previous = fipkeeper.getLevel();
    fipkeeper.setLevel(Level.DEBUG);
  }

  List<ILoggingEvent> events() {
    return List.copyOf(appender.list);
  }

  /** Every formatted message, its MDC and every logged exception's message, as text. */
  List<String> texts() {
    List<String> texts = new ArrayList<>();
    for (ILoggingEvent e : events()) {
      texts.add(e.getFormattedMessage());
      texts.add(String.valueOf(e.getMDCPropertyMap()));
      for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
        texts.add(t.getClassName() + ": " + t.getMessage());
      }
    }
    return texts;
  }

  @Override
  public void close() {
    fipkeeper.setLevel(previous);
    root.detachAppender(appender);
    appender.stop();
  }
}
