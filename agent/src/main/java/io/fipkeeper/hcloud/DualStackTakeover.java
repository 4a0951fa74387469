package io.fipkeeper.hcloud;

import io.fipkeeper.leader.port.FloatingIpTakeover;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * Moves an IPv4 and an IPv6 floating IP together, as one: the leader loop sees a single takeover whose address is the
 * IPv4 one. Each assign is fenced separately (the fence runs right before each POST). A drift of either IP reads as
 * "not here" (the drifted one's server is reported), so the loop's verify re-assigns both (the one already here costs
 * a GET, no POST).
 */
public final class DualStackTakeover implements FloatingIpTakeover {
  private final FloatingIpTakeover ipv4;
  private final FloatingIpTakeover ipv6;
  private final long serverId;

  /** {@code serverId} is this node's server: the one both IPs must be routed to. */
  public DualStackTakeover(FloatingIpTakeover ipv4, FloatingIpTakeover ipv6, long serverId) {
    this.ipv4 = Objects.requireNonNull(ipv4, "ipv4");
    this.ipv6 = Objects.requireNonNull(ipv6, "ipv6");
    this.serverId = serverId;
  }

  @Override
  public long takeOver(BooleanSupplier fence) throws TakeoverException {
    long v4 = ipv4.takeOver(fence);
    long v6 = ipv6.takeOver(fence);
    if (v4 != v6) {
      throw new TakeoverException("floating ips ended on different servers: " + ipv4.address() + " on " + v4 + ", "
          + ipv6.address() + " on " + v6, true, false, null);
    }
    return v4;
  }

  @Override
  public Long currentServer() throws TakeoverException {
    Long v4 = ipv4.currentServer();
    Long v6 = ipv6.currentServer();
    // report a server that is not this one as soon as either family is not here, so the verify sees the drift
    return isHere(v4) ? v6 : v4;
  }

  private boolean isHere(Long server) {
    return server != null && server == serverId;
  }

  @Override
  public String address() {
    return ipv4.address();
  }

  String ipv6Address() {
    return ipv6.address();
  }
}
