package io.fipkeeper.observe;

import io.fipkeeper.leader.port.AddressBinder;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kernel port of an observing agent: binds and unbinds change only a would-be address set and are reported;
 * reads return that set, after reading the real interface for the report. The wrapped binder is only ever asked
 * {@link AddressBinder#isBound}: an address another controller put on this node (Talos' VIP holder's, keepalived's)
 * is never removed, and the machine never even sees it, so it neither "releases" it nor reads Hetzner about it.
 */
public final class ObservingBinder implements AddressBinder {
  private static final Logger log = LoggerFactory.getLogger(ObservingBinder.class);

  private final AddressBinder real;
  private final ObserveReport report;
  private final Set<InetAddress> wouldBeBound = ConcurrentHashMap.newKeySet();

  /** @param real the real binder, used for reads only */
  public ObservingBinder(AddressBinder real, ObserveReport report) {
    this.real = Objects.requireNonNull(real, "real");
    this.report = Objects.requireNonNull(report, "report");
  }

  @Override
  public void bind(InetAddress address) {
    if (wouldBeBound.add(address)) {
      report.wouldBind(real.interfaceName(), readReal(address));
    }
  }

  @Override
  public void unbind(InetAddress address) {
    if (wouldBeBound.remove(address)) {
      report.wouldUnbind(real.interfaceName(), readReal(address));
    }
  }

  @Override
  public boolean isBound(InetAddress address) {
    readReal(address);
    return wouldBeBound.contains(address);
  }

  @Override
  public String interfaceName() {
    return real.interfaceName();
  }

  /** The would-be addresses: the real ones are another controller's business. */
  @Override
  public Set<InetAddress> boundAddresses() {
    return Set.copyOf(wouldBeBound);
  }

  /** Reads the real interface for the report; a failed read says nothing and changes nothing. */
  private boolean readReal(InetAddress address) {
    try {
      boolean bound = real.isBound(address);
      report.kernelRead(bound);
      return bound;
    } catch (IOException | RuntimeException e) {
      log.debug("address check failed fip={} error={} mode=observe", address.getHostAddress(), e.getMessage());
      return report.realBound();
    }
  }
}
