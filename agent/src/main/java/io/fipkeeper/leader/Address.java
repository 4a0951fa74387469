package io.fipkeeper.leader;

/**
 * The floating IP's address on this node's interface: what the kernel last showed (or what the last bind/unbind
 * made it), and why this node keeps it. Never the truth for long: the kernel is re-read every
 * {@link LeaderSettings#ADDRESS_CHECK_INTERVAL} while it matters.
 *
 * @param bound the address is on the interface, as far as the last bind/unbind or kernel read tells
 * @param opsIssued binds and unbinds issued so far; a kernel read taken before all of them ran is stale
 * @param releaseAtNanos when the address is removed at the latest: the end of a voluntary handover, or the retry of
 *     a failed removal; {@link Context#NEVER} when not armed (losing leadership to etcd trouble never arms it)
 * @param holdEpoch the term under which this node holds the address (0: unknown, e.g. found bound at start-up):
 *     a holder record newer than this one means someone else has the IP now
 * @param nextCheckNanos when the kernel is read next
 */
public record Address(boolean bound, long opsIssued, long releaseAtNanos, long holdEpoch, long nextCheckNanos) {
  public Address {
    if (opsIssued < 0 || holdEpoch < 0) {
      throw new IllegalStateException("counters must not be negative: opsIssued=" + opsIssued
          + " holdEpoch=" + holdEpoch);
    }
    if (!bound && releaseAtNanos != Context.NEVER) {
      throw new IllegalStateException("a release deadline needs a bound address");
    }
  }

  /** Start-up: nothing known; the first tick reads the kernel. */
  static final Address UNKNOWN = new Address(false, 0, Context.NEVER, 0, Long.MIN_VALUE);

  Address binding(long epoch) {
    return new Address(true, opsIssued + 1, Context.NEVER, epoch, nextCheckNanos);
  }

  Address unbinding() {
    return new Address(false, opsIssued + 1, Context.NEVER, 0, nextCheckNanos);
  }

  /** The kernel showed {@code present}; {@code epoch} is kept when still bound, 0 when the address just appeared. */
  Address observed(boolean present) {
    if (present == bound) {
      return this;
    }
    return new Address(present, opsIssued, Context.NEVER, 0, nextCheckNanos);
  }

  /** Forget the address without touching it: it belongs to someone else now (a newer run of this agent). */
  Address forgotten() {
    return new Address(false, opsIssued, Context.NEVER, 0, nextCheckNanos);
  }

  Address releaseBy(long atNanos) {
    return new Address(bound, opsIssued, atNanos, holdEpoch, nextCheckNanos);
  }

  Address heldUnder(long epoch) {
    return new Address(bound, opsIssued, releaseAtNanos, epoch, nextCheckNanos);
  }

  Address checkAt(long atNanos) {
    return new Address(bound, opsIssued, releaseAtNanos, holdEpoch, atNanos);
  }
}
