package io.fipkeeper.leader.port;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Set;

/**
 * Binds the floating IP on this node's interface as a host address (/32 for IPv4, /128 for IPv6).
 * Two implementations: {@code IpCommandBinder} (real, needs NET_ADMIN) and {@code RecordingBinder} (records only,
 * for runs without NET_ADMIN). All methods are idempotent.
 */
public interface AddressBinder {
  /** Adds the address to the interface; a no-op when it is already there. */
  void bind(InetAddress address) throws IOException;

  /** Removes the address from the interface; a no-op when it is absent. */
  void unbind(InetAddress address) throws IOException;

  /** Whether the address is bound on the interface right now (reads the kernel for the real binder). */
  boolean isBound(InetAddress address) throws IOException;

  /** The interface name in use (resolved from "auto" at construction). */
  String interfaceName();

  /** Every host address bound on the interface (used to clean stale addresses at start-up). */
  Set<InetAddress> boundAddresses() throws IOException;
}
