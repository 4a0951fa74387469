package io.fipkeeper.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.io.OutputStream;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Replaces the logback configuration at start-up with the format and level from the agent config. Everything goes
 * to stderr (stdout stays free for command output). Netty, gRPC, Vert.x and Micrometer stay at WARN whatever the
 * level, because at DEBUG they drown the agent's own state changes.
 */
public final class LogSetup {
  /**
   * The plain layout in logback's pattern syntax, e.g. {@code 2026-11-25T16:00:00.123Z INFO  [main] io.fipkeeper.Agent -
   * started}; {@link PlainLineEncoder} writes exactly this without logback's pattern machinery.
   */
  public static final String PLAIN_PATTERN =
      "%d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} %-5level [%thread] %logger{36} - %msg%n";
  /** Loggers kept at WARN. */
  static final List<String> QUIET_LIBRARIES = List.of("io.netty", "io.grpc", "io.vertx", "io.micrometer");
  static final List<String> LEVELS = List.of("trace", "debug", "info", "warn", "error");

  private LogSetup() {}

  /**
   * @param format {@code plain} or {@code json} (case-insensitive)
   * @param level {@code trace}, {@code debug}, {@code info}, {@code warn} or {@code error} (case-insensitive)
   * @throws IllegalArgumentException naming the config key, the rule and the value, for a bad format or level
   */
  public static void configure(String format, String level) {
    configure(format, level, null);
  }

  /** As {@link #configure(String, String)}, writing to {@code target} instead of stderr (null = stderr). */
  static void configure(String format, String level, OutputStream target) {
    configure(loggerContext(), parseFormat(format), parseLevel(level), target);
  }

  /** Applies a parsed format and level to {@code context}; also the start-up default ({@link DefaultLogConfigurator}). */
  static void configure(LoggerContext context, boolean json, Level threshold, OutputStream target) {
    context.reset();

    Encoder<ILoggingEvent> encoder = json ? new JsonLineEncoder() : new PlainLineEncoder();
    encoder.setContext(context);
    encoder.start();

    OutputStreamAppender<ILoggingEvent> appender;
    if (target == null) {
      ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
      console.setTarget("System.err");
      appender = console;
    } else {
      appender = new OutputStreamAppender<>();
      appender.setOutputStream(target);
    }
    appender.setName("STDERR");
    appender.setContext(context);
    appender.setEncoder(encoder);
    appender.start();

    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(threshold);
    root.addAppender(appender);
    for (String library : QUIET_LIBRARIES) {
      context.getLogger(library).setLevel(Level.WARN);
    }
  }

  private static boolean parseFormat(String format) {
    String value = Objects.requireNonNullElse(format, "").strip().toLowerCase(Locale.ROOT);
    return switch (value) {
      case "plain" -> false;
      case "json" -> true;
      default -> throw new IllegalArgumentException("log.format: must be plain or json, got \"" + format + "\"");
    };
  }

  private static Level parseLevel(String level) {
    String value = Objects.requireNonNullElse(level, "").strip().toLowerCase(Locale.ROOT);
    if (!LEVELS.contains(value)) {
      throw new IllegalArgumentException(
          "log.level: must be one of " + String.join(", ", LEVELS) + ", got \"" + level + "\"");
    }
    return Level.toLevel(value);
  }

  private static LoggerContext loggerContext() {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (!(factory instanceof LoggerContext context)) {
      throw new IllegalStateException("logging: expected logback behind SLF4J, found " + factory.getClass().getName());
    }
    return context;
  }
}
