package io.fipkeeper.talos;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** How long an issued certificate stays valid: {@code 365d} or {@code 720h}, between one hour and ten years. */
public final class Validity {
  private static final Pattern FORM = Pattern.compile("(\\d{1,6})([dh])");
  static final Duration MIN = Duration.ofHours(1);
  static final Duration MAX = Duration.ofDays(3650);

  private Validity() {}

  public static Duration parse(String text) {
    Matcher m = FORM.matcher(text == null ? "" : text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("invalid --validity '" + text + "': give days or hours, e.g. 365d or 720h");
    }
    long amount = Long.parseLong(m.group(1));
    Duration d = m.group(2).equals("d") ? Duration.ofDays(amount) : Duration.ofHours(amount);
    if (d.compareTo(MIN) < 0 || d.compareTo(MAX) > 0) {
      throw new IllegalArgumentException("invalid --validity '" + text + "': must be between 1h and 3650d");
    }
    return d;
  }
}
