package io.fipkeeper.talos;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A host name for the API endpoint, validated as an RFC 1123 name that can appear in a certificate's SANs:
 * letters, digits and hyphens, labels of 1-63 characters, at most 253 in total, a last label that is not all
 * digits (so an IP address is never mistaken for a name). Stored in lower case without a trailing dot.
 */
final class DnsName {
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  private static final Pattern DIGITS = Pattern.compile("[0-9]+");

  private final String name;

  private DnsName(String name) {
    this.name = name;
  }

  /** Parses {@code raw} or throws {@link IllegalArgumentException} with a one-line reason. */
  static DnsName parse(String raw) {
    if (raw == null || raw.isBlank()) {
      throw invalid(String.valueOf(raw), "empty");
    }
    String value = raw.trim();
    String name = value.toLowerCase(Locale.ROOT);
    if (name.endsWith(".")) {
      name = name.substring(0, name.length() - 1);
    }
    if (name.startsWith("*")) {
      throw invalid(value, "wildcards are not allowed; give the exact name clients use");
    }
    if (name.contains("://") || name.contains("/") || name.contains(":")) {
      throw invalid(value, "give the host name only, without scheme, port or path");
    }
    if (name.isEmpty() || name.length() > 253) {
      throw invalid(value, "a DNS name has 1 to 253 characters");
    }
    String[] labels = name.split("\\.", -1);
    for (String label : labels) {
      if (!LABEL.matcher(label).matches()) {
        throw invalid(value, "label '" + label + "' must be 1-63 letters, digits or hyphens, not starting or ending with a hyphen");
      }
    }
    if (DIGITS.matcher(labels[labels.length - 1]).matches()) {
      throw invalid(value, "the last label is all digits; pass an IP address with --floating-ip instead");
    }
    return new DnsName(name);
  }

  String text() {
    return name;
  }

  private static IllegalArgumentException invalid(String value, String reason) {
    return new IllegalArgumentException("invalid --dns '" + value + "': " + reason);
  }

  @Override
  public String toString() {
    return name;
  }
}
