package io.fipkeeper.e2e;

import io.fipkeeper.leader.port.AddressBinder;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Wraps a real or recording {@link AddressBinder} and records every call that changed something, with the wall-clock
 * time and what Hetzner (the simulator) routed the floating IP to at that instant. That last value is what the
 * handover rule is about: an address may be dropped only once the IP routes elsewhere. Thread-safe.
 */
final class ObservedBinder implements AddressBinder {

  /** One bind or unbind that changed the interface. {@code fipServer} is the simulator's answer at that moment. */
  record Change(Kind kind, Instant at, Long fipServer) {
    enum Kind { BIND, UNBIND }
  }

  private final AddressBinder delegate;
  private final Supplier<Long> fipServer;
  /** Guarded by this. */
  private final List<Change> changes = new ArrayList<>();

  ObservedBinder(AddressBinder delegate, Supplier<Long> fipServer) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.fipServer = Objects.requireNonNull(fipServer, "fipServer");
  }

  @Override
  public void bind(InetAddress address) throws IOException {
    boolean was = delegate.isBound(address);
    delegate.bind(address);
    if (!was) {
      record(Change.Kind.BIND);
    }
  }

  @Override
  public void unbind(InetAddress address) throws IOException {
    Long routedTo = fipServer.get(); // sampled before the address goes away
    boolean was = delegate.isBound(address);
    delegate.unbind(address);
    if (was) {
      synchronized (this) {
        changes.add(new Change(Change.Kind.UNBIND, Instant.now(), routedTo));
      }
    }
  }

  @Override
  public boolean isBound(InetAddress address) throws IOException {
    return delegate.isBound(address);
  }

  @Override
  public String interfaceName() {
    return delegate.interfaceName();
  }

  @Override
  public Set<InetAddress> boundAddresses() throws IOException {
    return delegate.boundAddresses();
  }

  /** Every change so far, in order. */
  synchronized List<Change> changes() {
    return List.copyOf(changes);
  }

  /** Whether any address is bound right now, as the wrapped binder sees it. */
  boolean anyBound() {
    try {
      return !delegate.boundAddresses().isEmpty();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read bound addresses: " + e.getMessage(), e);
    }
  }

  private void record(Change.Kind kind) {
    Long routedTo = fipServer.get();
    synchronized (this) {
      changes.add(new Change(kind, Instant.now(), routedTo));
    }
  }
}
