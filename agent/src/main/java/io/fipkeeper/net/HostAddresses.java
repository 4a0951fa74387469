package io.fipkeeper.net;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses {@code ip -o addr show} output into the host addresses (/32, /128) it lists. Loopback and link-local
 * addresses are left out: the binder never manages them.
 */
final class HostAddresses {
  private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f:.]+");

  private HostAddresses() {}

  static Set<InetAddress> parse(String ipOutput) {
    Set<InetAddress> found = new LinkedHashSet<>();
    for (String line : ipOutput.split("\n")) {
      String[] t = line.trim().split("\\s+");
      for (int i = 0; i + 1 < t.length; i++) {
        if (!t[i].equals("inet") && !t[i].equals("inet6")) {
          continue;
        }
        // "inet 10.0.0.2 peer 10.0.0.1/32": a local address without prefix is a host address
        hostAddress(t[i + 1]).ifPresent(found::add);
        break;
      }
    }
    return found;
  }

  private static java.util.Optional<InetAddress> hostAddress(String cidr) {
    int slash = cidr.indexOf('/');
    String literal = slash < 0 ? cidr : cidr.substring(0, slash);
    if (!LITERAL.matcher(literal).matches()) {
      return java.util.Optional.empty();
    }
    InetAddress address;
    try {
      address = InetAddress.getByName(literal); // a literal, so no DNS lookup
    } catch (UnknownHostException e) {
      return java.util.Optional.empty();
    }
    int full = address instanceof Inet4Address ? 32 : 128;
    int prefix;
    try {
      prefix = slash < 0 ? full : Integer.parseInt(cidr.substring(slash + 1));
    } catch (NumberFormatException e) {
      return java.util.Optional.empty();
    }
    if (prefix != full || address.isLoopbackAddress() || address.isLinkLocalAddress()) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(address);
  }

  /** {@code 203.0.113.7/32} or {@code 2001:db8::7/128}. */
  static String cidr(InetAddress address) {
    return address.getHostAddress() + (address instanceof Inet4Address ? "/32" : "/128");
  }
}
