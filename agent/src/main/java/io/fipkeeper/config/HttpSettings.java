package io.fipkeeper.config;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Where the status endpoint listens. {@code host} is an IP literal (IPv6 without brackets) or {@code localhost};
 * {@code port} is in 0..65535, 0 picking a free port.
 */
public record HttpSettings(String host, int port) {
  public HttpSettings {
    Objects.requireNonNull(host, "host");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
  }

  /** The address to bind (no DNS lookup: host is a literal or localhost). */
  public InetSocketAddress socketAddress() {
    return new InetSocketAddress(host, port);
  }

  /** {@code host:port}, with brackets around IPv6 hosts. */
  public String hostPort() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
