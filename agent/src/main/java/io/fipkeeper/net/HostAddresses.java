package io.fipkeeper.net;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses {@code ip -j addr show} output (iproute2's JSON, stable across versions, unlike the text layout) into the
 * host addresses (/32, /128) it lists. Loopback and link-local addresses are left out: the binder never manages them.
 */
final class HostAddresses {
  private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f:.]+");
  private static final ObjectMapper JSON = new ObjectMapper();

  private HostAddresses() {}

  static Set<InetAddress> parse(String ipJson) throws IOException {
    Set<InetAddress> found = new LinkedHashSet<>();
    JsonNode links = JSON.readTree(ipJson.isBlank() ? "[]" : ipJson);
    if (!links.isArray()) {
      throw new IOException("`ip -j addr` printed something that is not a JSON array");
    }
    for (JsonNode link : links) {
      for (JsonNode info : link.path("addr_info")) {
        // "local" is this host's address; with a peer, "address" is the other end's
        hostAddress(info.path("local").asText(""), info.path("prefixlen").asInt(-1)).ifPresent(found::add);
      }
    }
    return found;
  }

  private static Optional<InetAddress> hostAddress(String literal, int prefix) {
    if (!LITERAL.matcher(literal).matches()) {
      return Optional.empty();
    }
    InetAddress address;
    try {
      address = InetAddress.getByName(literal); // a literal, so no DNS lookup
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
    int full = address instanceof Inet4Address ? 32 : 128;
    if (prefix != full || address.isLoopbackAddress() || address.isLinkLocalAddress()) {
      return Optional.empty();
    }
    return Optional.of(address);
  }

  /** {@code 203.0.113.7/32} or {@code 2001:db8::7/128}. */
  static String cidr(InetAddress address) {
    return address.getHostAddress() + (address instanceof Inet4Address ? "/32" : "/128");
  }
}
