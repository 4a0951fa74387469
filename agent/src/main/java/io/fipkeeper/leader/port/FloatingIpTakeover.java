package io.fipkeeper.leader.port;

import io.fipkeeper.leader.Event.Failure;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * What the leader loop needs from Hetzner Cloud. Implemented by {@code io.fipkeeper.hcloud.FloatingIpAssigner} (one
 * floating IP) and {@code io.fipkeeper.hcloud.DualStackTakeover} (an IPv4 and an IPv6 one moved together). There is
 * deliberately no "release": losing leadership never unassigns the floating IP.
 */
public interface FloatingIpTakeover {

  /**
   * Makes Hetzner route the floating IP to this node's server. Reads the floating IP first; when it is already
   * assigned here, returns without a POST. Otherwise calls {@code fence} right before the assign POST and does
   * not POST when it answers false; then waits for the action to finish (bounded) and reads the IP again. Retries
   * inside the call are short while the rate-limit budget allows: the endpoint may be dark meanwhile.
   *
   * @return the server id Hetzner reports for the IP after the takeover
   * @throws TakeoverException whose {@link TakeoverException#failure()} tells the loop what to do next
   */
  long takeOver(BooleanSupplier fence) throws TakeoverException;

  /**
   * One read: the server id the floating IP is routed to now, or null when unassigned. For several floating IPs
   * moved together, a server that is not this node's as soon as one of them is not here.
   */
  Long currentServer() throws TakeoverException;

  /** The address managed, e.g. {@code 203.0.113.10} (IPv6: the address bound inside the /64). */
  String address();

  /** Thrown by {@link FloatingIpTakeover}; the message never contains the token. */
  final class TakeoverException extends Exception {
    private final Failure failure;

    public TakeoverException(String message, Failure failure, Throwable cause) {
      super(message, cause);
      this.failure = Objects.requireNonNull(failure, "failure");
    }

    /** Shorthand for the common kinds: retryable, fenced or permanent. */
    public TakeoverException(String message, boolean retryable, boolean fenced, Throwable cause) {
      this(message, fenced ? Failure.FENCED : retryable ? Failure.RETRYABLE : Failure.PERMANENT, cause);
    }

    public Failure failure() {
      return failure;
    }

    /** Whether trying again later may succeed (429, 5xx, locked, timeouts). */
    public boolean retryable() {
      return failure == Failure.RETRYABLE;
    }

    /** True when the fencing check refused the assign: this node is no longer leader. */
    public boolean fenced() {
      return failure == Failure.FENCED;
    }
  }
}
