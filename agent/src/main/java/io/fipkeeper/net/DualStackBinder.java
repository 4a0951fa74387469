package io.fipkeeper.net;

import io.fipkeeper.leader.port.AddressBinder;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Objects;
import java.util.Set;

/**
 * Binds the IPv6 floating address together with the IPv4 one: the leader loop only knows the IPv4 address, and every
 * bind, unbind and check of it applies to both. "Bound" means both are bound, so that a leader whose IPv6 address
 * alone was removed behind its back sees the gap and binds again (both binds are idempotent); every unbind removes
 * both.
 */
public final class DualStackBinder implements AddressBinder {
  private final AddressBinder delegate;
  private final InetAddress primary;
  private final InetAddress secondary;

  public DualStackBinder(AddressBinder delegate, InetAddress primary, InetAddress secondary) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.primary = Objects.requireNonNull(primary, "primary");
    this.secondary = Objects.requireNonNull(secondary, "secondary");
  }

  @Override
  public void bind(InetAddress address) throws IOException {
    delegate.bind(address);
    if (address.equals(primary)) {
      delegate.bind(secondary);
    }
  }

  @Override
  public void unbind(InetAddress address) throws IOException {
    if (address.equals(primary)) {
      delegate.unbind(secondary);
    }
    delegate.unbind(address);
  }

  @Override
  public boolean isBound(InetAddress address) throws IOException {
    return delegate.isBound(address) && (!address.equals(primary) || delegate.isBound(secondary));
  }

  @Override
  public String interfaceName() {
    return delegate.interfaceName();
  }

  @Override
  public Set<InetAddress> boundAddresses() throws IOException {
    return delegate.boundAddresses();
  }
}
