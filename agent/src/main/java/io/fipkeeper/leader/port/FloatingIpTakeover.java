package io.fipkeeper.leader.port;

import java.util.function.BooleanSupplier;

/**
 * What the leader loop needs from Hetzner Cloud. Implemented by {@code io.fipkeeper.hcloud.FloatingIpAssigner}.
 * There is deliberately no "release": losing leadership never unassigns the floating IP.
 */
public interface FloatingIpTakeover {

  /**
   * Makes Hetzner route the floating IP to this node's server. Reads the floating IP first; when it is already
   * assigned here, returns without a POST. Otherwise calls {@code fence} right before the assign POST and does
   * not POST when it answers false; then waits for the action to finish (bounded) and reads the IP again.
   *
   * @return the server id Hetzner reports for the IP after the takeover
   * @throws TakeoverException with {@code retryable()} telling the loop whether to try again
   */
  long takeOver(BooleanSupplier fence) throws TakeoverException;

  /** One GET: the server id the floating IP is assigned to now, or null when unassigned. */
  Long currentServer() throws TakeoverException;

  /** The address managed, e.g. {@code 203.0.113.10} (IPv6: the address bound inside the /64). */
  String address();

  /** Thrown by {@link FloatingIpTakeover}; the message never contains the token. */
  final class TakeoverException extends Exception {
    private final boolean retryable;
    private final boolean fenced;

    public TakeoverException(String message, boolean retryable, boolean fenced, Throwable cause) {
      super(message, cause);
      this.retryable = retryable;
      this.fenced = fenced;
    }

    /** Whether trying again later may succeed (429, 5xx, locked, timeouts). */
    public boolean retryable() {
      return retryable;
    }

    /** True when the fencing check refused the assign: this node is no longer leader. */
    public boolean fenced() {
      return fenced;
    }
  }
}
