package io.fipkeeper.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;

/**
 * Writes {@code 2026-11-25T16:00:00.123Z INFO  [main] i.f.Agent - message}: the layout of
 * {@link LogSetup#PLAIN_PATTERN}, formatted by hand. Logback's pattern layout would do the same, but its parser
 * and converters add a few hundred classes (megabytes of class metadata) to an agent whose memory budget is tight.
 */
final class PlainLineEncoder extends EncoderBase<ILoggingEvent> {
  private static final int LOGGER_WIDTH = 36;

  @Override
  public byte[] headerBytes() {
    return null;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    StringBuilder line = new StringBuilder(160);
    line.append(JsonLineEncoder.TIMESTAMP.format(event.getInstant())).append(' ');
    String level = event.getLevel().toString();
    line.append(level);
    for (int i = level.length(); i < 5; i++) {
      line.append(' ');
    }
    line.append(" [").append(event.getThreadName()).append("] ")
        .append(abbreviate(event.getLoggerName(), LOGGER_WIDTH)).append(" - ")
        .append(event.getFormattedMessage()).append(CoreConstants.LINE_SEPARATOR);
    IThrowableProxy thrown = event.getThrowableProxy();
    if (thrown != null) {
      line.append(ThrowableProxyUtil.asString(thrown)).append(CoreConstants.LINE_SEPARATOR);
    }
    return line.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public byte[] footerBytes() {
    return null;
  }

  /**
   * Logback's {@code %logger{n}}: shorten leading package segments to their first letter, left to right, until the
   * name fits in {@code width}; the class name itself is never shortened.
   */
  static String abbreviate(String name, int width) {
    if (name.length() <= width) {
      return name;
    }
    String[] parts = name.split("\\.");
    int length = name.length();
    for (int i = 0; i < parts.length - 1 && length > width; i++) {
      length -= parts[i].length() - 1;
      parts[i] = parts[i].substring(0, 1);
    }
    return String.join(".", parts);
  }
}
