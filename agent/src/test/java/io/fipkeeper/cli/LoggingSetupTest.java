package io.fipkeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import io.fipkeeper.config.LogSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class LoggingSetupTest {
  private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();

  @AfterEach
  void backToPlainInfo() {
    LoggingSetup.apply(new LogSettings(LogSettings.Format.PLAIN, "info"));
  }

  private ConsoleAppender<ILoggingEvent> console() {
    return (ConsoleAppender<ILoggingEvent>) context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("console");
  }

  @Test
  void jsonFormatUsesTheJsonEncoderAndKeepsLibrariesQuietAtDebug() {
    LoggingSetup.apply(new LogSettings(LogSettings.Format.JSON, "debug"));
    assertThat(console().getEncoder()).isInstanceOf(JsonEncoder.class);
    assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.DEBUG);
    assertThat(context.getLogger("io.netty").getLevel()).isEqualTo(Level.WARN);
    assertThat(context.getLogger("io.fipkeeper").getEffectiveLevel()).isEqualTo(Level.DEBUG);
  }

  @Test
  void plainFormatUsesAPatternAndTheConfiguredLevel() {
    LoggingSetup.apply(new LogSettings(LogSettings.Format.PLAIN, "error"));
    assertThat(console().getEncoder()).isInstanceOf(PatternLayoutEncoder.class);
    assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.ERROR);
    assertThat(context.getLogger("io.grpc").getLevel()).isEqualTo(Level.ERROR);
  }
}
