package io.fipkeeper.net;

import io.fipkeeper.leader.port.AddressBinder;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link AddressBinder} that changes nothing on the host: it keeps the bound set in memory, logs what the
 * real binder would do and records every call, for tests and for demo runs without NET_ADMIN. Thread-safe.
 */
public final class RecordingBinder implements AddressBinder {
  private static final Logger log = LoggerFactory.getLogger(RecordingBinder.class);

  /** One recorded call; {@code changed} is false for the idempotent no-op calls. */
  public record Change(Kind kind, InetAddress address, boolean changed) {
    public enum Kind { BIND, UNBIND }
  }

  private final String interfaceName;
  /** Guarded by this. */
  private final Set<InetAddress> bound = new LinkedHashSet<>();
  /** Guarded by this. */
  private final List<Change> history = new ArrayList<>();

  public RecordingBinder(String interfaceName) {
    this(interfaceName, Set.of());
  }

  /** Starts with some addresses already "bound", e.g. to test the clean-up of stale addresses at start-up. */
  public RecordingBinder(String interfaceName, Set<InetAddress> initiallyBound) {
    this.interfaceName = Objects.requireNonNull(interfaceName, "interfaceName");
    bound.addAll(initiallyBound);
  }

  @Override
  public synchronized void bind(InetAddress address) {
    boolean changed = bound.add(address);
    history.add(new Change(Change.Kind.BIND, address, changed));
    if (changed) {
      log.info("would bind address fip={} interface={}", address.getHostAddress(), interfaceName);
    }
  }

  @Override
  public synchronized void unbind(InetAddress address) {
    boolean changed = bound.remove(address);
    history.add(new Change(Change.Kind.UNBIND, address, changed));
    if (changed) {
      log.info("would unbind address fip={} interface={}", address.getHostAddress(), interfaceName);
    }
  }

  @Override
  public synchronized boolean isBound(InetAddress address) {
    return bound.contains(address);
  }

  @Override
  public String interfaceName() {
    return interfaceName;
  }

  @Override
  public synchronized Set<InetAddress> boundAddresses() {
    return Set.copyOf(bound);
  }

  /** Every bind/unbind call so far, in order. */
  public synchronized List<Change> history() {
    return List.copyOf(history);
  }

  @Override
  public String toString() {
    return "RecordingBinder[" + interfaceName + "]";
  }
}
