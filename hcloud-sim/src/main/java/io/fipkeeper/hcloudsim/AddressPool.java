package io.fipkeeper.hcloudsim;

import java.util.Set;

/**
 * The public IPv4 addresses {@code POST /servers} hands out: an inclusive range walked round-robin, skipping
 * addresses servers hold now, so a freed address comes back only after the rest of the range was used (Hetzner
 * does not hand a released address straight to the next server either). Guarded by SimState's lock.
 */
final class AddressPool {
  private final long first;
  private final long last;
  private long cursor;

  private AddressPool(long first, long last) {
    this.first = first;
    this.last = last;
    this.cursor = first;
  }

  /** Parses {@code FIRST-LAST} (both IPv4, FIRST <= LAST); throws IllegalArgumentException with the reason. */
  static AddressPool parse(String range) {
    String[] parts = range.split("-", 2);
    if (parts.length != 2) {
      throw new IllegalArgumentException("address pool must be FIRST-LAST, got '" + range + "'");
    }
    long a = toLong(parts[0].strip());
    long b = toLong(parts[1].strip());
    if (a > b) {
      throw new IllegalArgumentException("address pool " + range + " ends before it starts");
    }
    return new AddressPool(a, b);
  }

  /** The next address not in {@code inUse}, or null when every address of the range is taken. */
  String next(Set<String> inUse) {
    long size = last - first + 1;
    for (long i = 0; i < size; i++) {
      long candidate = cursor;
      cursor = cursor == last ? first : cursor + 1;
      String text = toText(candidate);
      if (!inUse.contains(text)) {
        return text;
      }
    }
    return null;
  }

  private static long toLong(String ipv4) {
    String[] octets = ipv4.split("\\.");
    if (octets.length != 4) {
      throw new IllegalArgumentException("'" + ipv4 + "' is not an IPv4 address");
    }
    long v = 0;
    for (String o : octets) {
      int n;
      try {
        n = Integer.parseInt(o);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + ipv4 + "' is not an IPv4 address");
      }
      if (n < 0 || n > 255) {
        throw new IllegalArgumentException("'" + ipv4 + "' is not an IPv4 address");
      }
      v = v << 8 | n;
    }
    return v;
  }

  private static String toText(long v) {
    return (v >> 24 & 255) + "." + (v >> 16 & 255) + "." + (v >> 8 & 255) + "." + (v & 255);
  }
}
