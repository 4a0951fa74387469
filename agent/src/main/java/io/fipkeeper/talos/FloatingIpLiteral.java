package io.fipkeeper.talos;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A floating IP written as an IP literal, validated without any name lookup and kept in its canonical text
 * form (dotted quad; RFC 5952 for IPv6). Only addresses a Hetzner floating IP can be: no loopback, wildcard,
 * multicast, link-local or broadcast addresses.
 */
final class FloatingIpLiteral {
  private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
  private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");

  private final InetAddress address;
  private final String text;

  private FloatingIpLiteral(InetAddress address, String text) {
    this.address = address;
    this.text = text;
  }

  /** Parses {@code raw} or throws {@link IllegalArgumentException} with a one-line reason. */
  static FloatingIpLiteral parse(String raw) {
    if (raw == null || raw.isBlank()) {
      throw new IllegalArgumentException("--floating-ip is required (an IPv4 or IPv6 address)");
    }
    String value = raw.trim();
    FloatingIpLiteral ip = value.indexOf(':') >= 0 ? parseV6(value) : parseV4(value);
    rejectUnusable(ip.address, value);
    return ip;
  }

  boolean isV6() {
    return address instanceof Inet6Address;
  }

  /** Canonical text: 203.0.113.10 or 2001:db8::10. */
  String text() {
    return text;
  }

  /** How the address appears in a URL authority: IPv6 in brackets. */
  String urlHost() {
    return isV6() ? "[" + text + "]" : text;
  }

  private static FloatingIpLiteral parseV4(String value) {
    Matcher m = IPV4.matcher(value);
    if (!m.matches()) {
      throw invalid(value, "not an IPv4 address (a.b.c.d) nor an IPv6 address");
    }
    byte[] bytes = new byte[4];
    for (int i = 0; i < 4; i++) {
      String octet = m.group(i + 1);
      if (octet.length() > 1 && octet.charAt(0) == '0') {
        throw invalid(value, "octet '" + octet + "' has a leading zero");
      }
      int n = Integer.parseInt(octet);
      if (n > 255) {
        throw invalid(value, "octet " + n + " is above 255");
      }
      bytes[i] = (byte) n;
    }
    try {
      InetAddress address = InetAddress.getByAddress(bytes);
      return new FloatingIpLiteral(address, address.getHostAddress());
    } catch (UnknownHostException e) {
      throw new IllegalStateException("4 bytes are always an IPv4 address", e);
    }
  }

  private static FloatingIpLiteral parseV6(String value) {
    if (value.startsWith("[") || value.contains("%") || value.contains("/")) {
      throw invalid(value, "write the IPv6 address alone, without brackets, zone or prefix length");
    }
    if (!IPV6_CHARS.matcher(value).matches()) {
      throw invalid(value, "not an IPv6 address");
    }
    InetAddress address;
    try {
      // a string with ':' is parsed as an IPv6 literal only; InetAddress never resolves it through DNS
      address = InetAddress.getByName(value);
    } catch (UnknownHostException e) {
      throw invalid(value, "not an IPv6 address");
    }
    if (address instanceof Inet4Address) {
      throw invalid(value, "an IPv4-mapped IPv6 address; use the IPv4 form " + address.getHostAddress());
    }
    return new FloatingIpLiteral(address, canonicalV6(address.getAddress()));
  }

  private static void rejectUnusable(InetAddress address, String value) {
    if (address.isAnyLocalAddress()) {
      throw invalid(value, "the unspecified address cannot be a floating IP");
    }
    if (address.isLoopbackAddress()) {
      throw invalid(value, "a loopback address cannot be a floating IP");
    }
    if (address.isMulticastAddress()) {
      throw invalid(value, "a multicast address cannot be a floating IP");
    }
    if (address.isLinkLocalAddress()) {
      throw invalid(value, "a link-local address cannot be a floating IP");
    }
    if (address instanceof Inet4Address && (address.getAddress()[0] & 0xff) >= 240) {
      throw invalid(value, "a reserved or broadcast address cannot be a floating IP");
    }
  }

  /** RFC 5952: lower-case hex, no leading zeros, the longest run (>= 2) of zero groups shortened to "::". */
  static String canonicalV6(byte[] bytes) {
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLength = 0;
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j;
    }
    if (bestLength < 2) {
      bestStart = -1;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        out.append(i == 0 ? "::" : ":");
        i += bestLength - 1;
        continue;
      }
      out.append(Integer.toHexString(groups[i]));
      if (i < 7) {
        out.append(':');
      }
    }
    return out.toString();
  }

  private static IllegalArgumentException invalid(String value, String reason) {
    return new IllegalArgumentException("invalid --floating-ip '" + value + "': " + reason);
  }

  @Override
  public String toString() {
    return text;
  }
}
