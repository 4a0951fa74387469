package io.fipkeeper.config;

import java.util.List;

/**
 * One setting as written by the user, before validation.
 *
 * @param origin the name the user wrote, used in error messages: {@code etcd.leaseTtl}, {@code
 *     FIPKEEPER_LEASE_TTL} or {@code --lease-ttl}
 * @param source where it came from, for the effective-config printout: {@code config file}, {@code env ...},
 *     {@code flag ...}
 * @param text the scalar text (a YAML list is joined with commas)
 * @param items the list items (a YAML list, or the text split on commas)
 */
record RawValue(String origin, String source, String text, List<String> items) {
  static RawValue scalar(String origin, String source, String text) {
    List<String> items = java.util.Arrays.stream(text.split(",")).map(String::strip).filter(s -> !s.isEmpty())
        .toList();
    return new RawValue(origin, source, text.strip(), items);
  }

  static RawValue list(String origin, String source, List<String> items) {
    return new RawValue(origin, source, String.join(",", items), List.copyOf(items));
  }
}
