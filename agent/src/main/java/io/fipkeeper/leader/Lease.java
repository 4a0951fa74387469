package io.fipkeeper.leader;

import java.time.Duration;
import java.util.Objects;

/**
 * What this agent knows of its own etcd lease.
 *
 * @param id the lease the last confirmed keep-alive (or the term, or an adoption) belongs to; 0 when none is known
 * @param confirmedSentNanos lower bound of when etcd last renewed {@code id} ({@link Long#MIN_VALUE}: never confirmed)
 * @param ttl TTL of that lease: min(configured, reported by etcd); always positive
 */
public record Lease(long id, long confirmedSentNanos, Duration ttl) {
  public Lease {
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isZero() || ttl.isNegative()) {
      throw new IllegalStateException("lease ttl must be positive, got " + ttl);
    }
  }

  /** No lease known yet. */
  static Lease none(Duration ttl) {
    return new Lease(0, Long.MIN_VALUE, ttl);
  }

  /** The lease is gone; its last confirmation stays as the lower bound it was. */
  Lease forgotten() {
    return new Lease(0, confirmedSentNanos, ttl);
  }

  /** A lease this agent holds but whose renewal has not been confirmed yet (granted or adopted at {@code sinceNanos}). */
  Lease unconfirmed(long leaseId, long sinceNanos, Duration configuredTtl) {
    return new Lease(leaseId, sinceNanos, configuredTtl);
  }

  /** A keep-alive sent at {@code sentNanos} was confirmed with {@code reportedTtl} left. */
  Lease confirmed(long leaseId, long sentNanos, Duration reportedTtl, Duration configuredTtl) {
    Duration t = reportedTtl.compareTo(configuredTtl) < 0 ? reportedTtl : configuredTtl;
    long sent = leaseId == id ? Math.max(confirmedSentNanos, sentNanos) : sentNanos;
    return new Lease(leaseId, sent, t);
  }
}
