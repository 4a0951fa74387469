package io.fipkeeper.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the Hetzner API token comes from: a file (read on every {@link #read()}, so a rotated Secret is picked
 * up) or an environment variable. {@link #toString()} never shows the token, and neither does any exception.
 */
public final class TokenSource {
  private final Path file;
  private final String envVar;
  private final String envValue;

  private TokenSource(Path file, String envVar, String envValue) {
    this.file = file;
    this.envVar = envVar;
    this.envValue = envValue;
  }

  public static TokenSource file(Path file) {
    return new TokenSource(Objects.requireNonNull(file, "file"), null, null);
  }

  public static TokenSource env(String variable, String value) {
    return new TokenSource(null, Objects.requireNonNull(variable, "variable"), Objects.requireNonNull(value, "value"));
  }

  /** The token, trimmed. Throws {@link UncheckedIOException} (without the content) when the file can't be read. */
  public String read() {
    if (file == null) {
      return envValue.strip();
    }
    try {
      return Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read token file " + file + ": " + e.getClass().getSimpleName(), e);
    }
  }

  /** The file when the token comes from one. */
  public Optional<Path> filePath() {
    return Optional.ofNullable(file);
  }

  /** Where the token comes from, safe to print: {@code file /path} or {@code env HCLOUD_TOKEN}. */
  public String description() {
    return file != null ? "file " + file : "env " + envVar;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TokenSource t && Objects.equals(file, t.file) && Objects.equals(envVar, t.envVar)
        && Objects.equals(envValue, t.envValue);
  }

  @Override
  public int hashCode() {
    return Objects.hash(file, envVar);
  }

  @Override
  public String toString() {
    return "TokenSource[" + description() + ", token=<redacted>]";
  }
}
