package io.fipkeeper.talos;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * A CIDR for Talos' address filters ({@code validSubnets}, {@code advertisedSubnets}), validated and written in
 * canonical form with host bits cleared. Written without the {@code !} prefix: exclusions are added by the patch.
 */
final class Subnet {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private final String text;
  private final boolean v6;

  private Subnet(String text, boolean v6) {
    this.text = text;
    this.v6 = v6;
  }

  static Subnet parse(String option, String raw) {
    String value = raw == null ? "" : raw.trim();
    int slash = value.indexOf('/');
    if (value.startsWith("!")) {
      throw invalid(option, raw, "give the subnets to choose from; the floating IPs are excluded by the patch itself");
    }
    if (slash < 0) {
      throw invalid(option, raw, "a subnet needs a prefix length, e.g. 10.0.0.0/16 or 0.0.0.0/0");
    }
    String address = value.substring(0, slash);
    boolean v6 = address.contains(":");
    if (!v6 && !IPV4.matcher(address).matches() || v6 && !address.matches("[0-9A-Fa-f:]+")) {
      throw invalid(option, raw, "not an IPv4 or IPv6 subnet");
    }
    int bits;
    try {
      bits = Integer.parseInt(value.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw invalid(option, raw, "the prefix length is not a number");
    }
    byte[] bytes;
    try {
      bytes = InetAddress.getByName(address).getAddress(); // a literal only: no name lookup for these characters
    } catch (UnknownHostException e) {
      throw invalid(option, raw, "not an IPv4 or IPv6 subnet");
    }
    if (bits < 0 || bits > bytes.length * 8 || bytes.length != (v6 ? 16 : 4)) {
      throw invalid(option, raw, "the prefix length must be 0-" + (v6 ? 128 : 32));
    }
    for (int i = 0; i < bytes.length; i++) {
      int keep = Math.max(0, Math.min(8, bits - 8 * i));
      bytes[i] &= (byte) (0xff << (8 - keep));
    }
    String canonical;
    try {
      canonical = v6 ? FloatingIpLiteral.canonicalV6(bytes) : InetAddress.getByAddress(bytes).getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalStateException("4 bytes are always an IPv4 address", e);
    }
    return new Subnet(canonical + "/" + bits, v6);
  }

  String text() {
    return text;
  }

  boolean isV6() {
    return v6;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Subnet other && other.text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  @Override
  public String toString() {
    return text;
  }

  private static IllegalArgumentException invalid(String option, String raw, String reason) {
    return new IllegalArgumentException("invalid " + option + " '" + raw + "': " + reason);
  }
}
