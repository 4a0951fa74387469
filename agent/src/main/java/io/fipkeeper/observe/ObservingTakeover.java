package io.fipkeeper.observe;

import io.fipkeeper.leader.port.FloatingIpTakeover;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * The Hetzner port of an observing agent. It reads the real floating IP exactly when the real port would (the GET a
 * takeover starts with, every verify and re-check), so a broken token or route shows up as it would in active mode,
 * and it never sends an assign: a takeover that would have POSTed is fenced as usual, reported as "would assign", and
 * completes in the would-be world ({@link ShadowRouting}). Reads return the would-be routing: the real one is another
 * controller's, and a would-be leader that compared itself to it would re-assign on every verify. There is no
 * mutating call in this class at all; the wrapped port is only ever asked {@link FloatingIpTakeover#currentServer()}.
 */
public final class ObservingTakeover implements FloatingIpTakeover {
  private final FloatingIpTakeover real;
  private final long serverId;
  private final ShadowRouting shadow;
  private final ObserveReport report;

  /**
   * @param real the real port, used for reads only
   * @param serverId this node's server
   */
  public ObservingTakeover(FloatingIpTakeover real, long serverId, ShadowRouting shadow, ObserveReport report) {
    this.real = Objects.requireNonNull(real, "real");
    this.serverId = serverId;
    this.shadow = Objects.requireNonNull(shadow, "shadow");
    this.report = Objects.requireNonNull(report, "report");
  }

  @Override
  public long takeOver(BooleanSupplier fence) throws TakeoverException {
    Long now = real.currentServer(); // a failure here is the failure the real takeover would meet
    report.hetznerRead(now);
    if (Objects.equals(shadow.server(), serverId)) {
      return serverId; // the would-be world routes it here already: no POST would be needed
    }
    if (!fence.getAsBoolean()) {
      throw new TakeoverException("fencing refused the assign (observe mode: none would have been sent)", false, true,
          null);
    }
    report.wouldAssign(serverId, now);
    shadow.takenOverBy(serverId);
    return serverId;
  }

  @Override
  public Long currentServer() throws TakeoverException {
    report.hetznerRead(real.currentServer());
    return shadow.server();
  }

  @Override
  public String address() {
    return real.address();
  }
}
