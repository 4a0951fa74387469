package io.fipkeeper.config;

import java.util.Objects;

/** Logging output: {@code level} is one of trace, debug, info, warn, error (lower case). */
public record LogSettings(Format format, String level) {
  public LogSettings {
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(level, "level");
  }

  public enum Format {
    /** One human-readable line per event. */
    PLAIN,
    /** One JSON object per line. */
    JSON
  }
}
