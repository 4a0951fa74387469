package io.fipkeeper.hcloud;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.Map;

/**
 * A Hetzner floating IP as the API returns it.
 *
 * @param ip for {@code ipv4} one address; for {@code ipv6} a /64 network such as {@code 2001:db8:1::/64}
 * @param type {@code ipv4} or {@code ipv6}
 * @param server the server the IP is routed to, or null when unassigned
 * @param homeLocation the home location name (e.g. {@code fsn1}), or null
 * @param created null when the API omitted it
 */
public record FloatingIp(
    long id,
    String name,
    String description,
    String ip,
    String type,
    Long server,
    Map<String, String> labels,
    String homeLocation,
    boolean blocked,
    Instant created) {

  public FloatingIp {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  public boolean isIpv6() {
    return "ipv6".equals(type);
  }

  /** Whether Hetzner routes this IP to {@code serverId} right now. */
  public boolean assignedTo(long serverId) {
    return server != null && server == serverId;
  }

  /**
   * The single address to bind locally: the IP itself for IPv4; for IPv6 the first host of the /64
   * ({@code <prefix>::1}), the address Hetzner's own examples configure.
   */
  public String bindAddress() {
    if (!isIpv6()) {
      return ip;
    }
    int slash = ip.indexOf('/');
    String network = slash < 0 ? ip : ip.substring(0, slash);
    if (network.indexOf(':') < 0) {
      throw new IllegalStateException("floating ip " + id + " has an invalid ipv6 network: " + ip);
    }
    try {
      byte[] bytes = InetAddress.getByName(network).getAddress();
      bytes[bytes.length - 1] |= 1;
      return compress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("floating ip " + id + " has an invalid ipv6 network: " + ip, e);
    }
  }

  /** RFC 5952 text form: lower-case hex, longest run of two or more zero groups as {@code ::}. */
  private static String compress(byte[] bytes) {
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        text.append("::");
        i += bestLength - 1;
        continue;
      }
      if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
        text.append(':');
      }
      text.append(Integer.toHexString(groups[i]));
    }
    return text.toString();
  }
}
