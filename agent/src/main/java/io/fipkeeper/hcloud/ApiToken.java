package io.fipkeeper.hcloud;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * A Hetzner Cloud API token. The value is trimmed on creation, is never empty, and never leaves this object
 * except as the {@code Authorization} header value built for {@link HcloudClient}: {@link #toString()} is
 * redacted and error messages name the source (file, variable), never the content.
 */
public final class ApiToken {
  private final String value;

  private ApiToken(String value) {
    this.value = value;
  }

  /** A token given directly; surrounding whitespace is dropped. */
  public static ApiToken of(String value) {
    Objects.requireNonNull(value, "token");
    String trimmed = value.strip();
    if (trimmed.isEmpty()) {
      throw new IllegalArgumentException("API token is empty");
    }
    checkPrintable(trimmed, "API token");
    return new ApiToken(trimmed);
  }

  /** Reads the token from a file (a mounted Kubernetes Secret, typically); a trailing newline is fine. */
  public static ApiToken fromFile(Path file) {
    Objects.requireNonNull(file, "file");
    String content;
    try {
      content = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("API token file " + file + ": does not exist");
    } catch (IOException | SecurityException e) {
      // the exception text may quote bytes of the file in some charsets errors; only its type is shown
      throw new IllegalArgumentException(
          "API token file " + file + ": cannot be read (" + e.getClass().getSimpleName() + ")");
    }
    String trimmed = content.strip();
    if (trimmed.isEmpty()) {
      throw new IllegalArgumentException("API token file " + file + ": is empty");
    }
    checkPrintable(trimmed, "API token file " + file);
    return new ApiToken(trimmed);
  }

  /** Reads the token from an environment variable such as {@code HCLOUD_TOKEN}. */
  public static ApiToken fromEnv(String variable) {
    return fromEnv(variable, System::getenv);
  }

  static ApiToken fromEnv(String variable, UnaryOperator<String> environment) {
    Objects.requireNonNull(variable, "variable");
    String raw = environment.apply(variable);
    if (raw == null) {
      throw new IllegalArgumentException(variable + ": not set");
    }
    String trimmed = raw.strip();
    if (trimmed.isEmpty()) {
      throw new IllegalArgumentException(variable + ": is empty");
    }
    checkPrintable(trimmed, variable);
    return new ApiToken(trimmed);
  }

  /** The {@code Authorization} header value; only {@link HcloudTransport} calls this. */
  String authorizationHeader() {
    return "Bearer " + value;
  }

  /** Replaces every occurrence of the token in {@code text}: a last line of defence for echoed input. */
  String redact(String text) {
    return text == null ? null : text.replace(value, "[redacted]");
  }

  private static void checkPrintable(String token, String source) {
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        // a header value with a newline or space would be rejected later with a message quoting it
        throw new IllegalArgumentException(source + ": contains whitespace or non-ASCII characters");
      }
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ApiToken other && other.value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return "ApiToken[redacted]";
  }
}
