package io.fipkeeper.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import io.fipkeeper.config.LogSettings;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Configures logback from {@link LogSettings}: one console appender on stdout, plain lines or one JSON object
 * per line. Library loggers (Netty, gRPC, Vert.x) stay at WARN unless the level is trace, so debug output is
 * about fipkeeper.
 */
final class LoggingSetup {
  private static final List<String> NOISY = List.of("io.netty", "io.grpc", "io.vertx", "io.etcd.jetcd");

  private LoggingSetup() {}

  static void apply(LogSettings settings) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return; // another SLF4J binding (tests); leave it alone
    }
    context.reset();
    Encoder<ILoggingEvent> encoder;
    if (settings.format() == LogSettings.Format.JSON) {
      JsonEncoder json = new JsonEncoder();
      json.setWithArguments(false);
      json.setWithFormattedMessage(true);
      json.setWithMessage(false);
      encoder = json;
    } else {
      PatternLayoutEncoder plain = new PatternLayoutEncoder();
      plain.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX,UTC} %-5level [%thread] %logger{20} - %msg%n");
      encoder = plain;
    }
    encoder.setContext(context);
    encoder.start();
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName("console");
    console.setEncoder(encoder);
    console.start();
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(console);
    Level level = Level.toLevel(settings.level(), Level.INFO);
    root.setLevel(level);
    if (level != Level.TRACE) {
      for (String name : NOISY) {
        context.getLogger(name).setLevel(level.isGreaterOrEqual(Level.WARN) ? level : Level.WARN);
      }
    }
  }
}
