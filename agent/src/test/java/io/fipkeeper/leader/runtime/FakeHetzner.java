package io.fipkeeper.leader.runtime;

import io.fipkeeper.leader.port.FloatingIpTakeover;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/**
 * A {@link FloatingIpTakeover} over an in-memory Hetzner: it follows the contract (read first, fence right before
 * the POST, no POST when fenced) and records every assign POST. There is no way to unassign, as in the real port.
 */
final class FakeHetzner implements FloatingIpTakeover {
  static final String IP = "203.0.113.10";

  final long self;
  final List<Long> posts = new CopyOnWriteArrayList<>();
  final Queue<TakeoverException> failures = new ConcurrentLinkedQueue<>();
  volatile Long assignedTo;
  /** Reads of the current server (verifies and re-checks). */
  volatile int reads;
  /** Runs at the start of every takeover (advance a fake ticker, block on a latch...). */
  volatile Runnable beforeTakeover = () -> { };

  FakeHetzner(long self, Long assignedTo) {
    this.self = self;
    this.assignedTo = assignedTo;
  }

  @Override
  public long takeOver(BooleanSupplier fence) throws TakeoverException {
    beforeTakeover.run();
    TakeoverException failure = failures.poll();
    if (failure != null) {
      throw failure;
    }
    if (Objects.equals(assignedTo, self)) {
      return self;
    }
    if (!fence.getAsBoolean()) {
      throw new TakeoverException("fencing refused the assign", false, true, null);
    }
    posts.add(self);
    assignedTo = self;
    return self;
  }

  @Override
  public Long currentServer() {
    reads++;
    return assignedTo;
  }

  @Override
  public String address() {
    return IP;
  }
}
