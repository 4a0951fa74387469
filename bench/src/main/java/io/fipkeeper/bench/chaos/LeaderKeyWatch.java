package io.fipkeeper.bench.chaos;

import io.fipkeeper.bench.EtcdCluster;
import io.fipkeeper.bench.TestbedException;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * etcd's floor for a partition failover: polls the leader's election key on a member of the majority every
 * {@link #INTERVAL} from its own thread and notes when it is first gone, i.e. when the majority expired the cut-off
 * leader's lease and deleted its key. No agent can take over before that instant, so {@code gone − cut} is the
 * least a partition failover can take on this bed, and fipkeeper's recovery minus it is fipkeeper's own overhead.
 * A read that fails (the majority is electing a new raft leader) counts as "still there"; the resolution is the
 * polling interval plus one read's round trip (about a millisecond on the bed).
 */
final class LeaderKeyWatch implements AutoCloseable {
  static final Duration INTERVAL = Duration.ofMillis(10);

  private final EtcdCluster etcd;
  private final int member;
  private final String key;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile long goneNanos;

  private LeaderKeyWatch(EtcdCluster etcd, int member, String key) {
    this.etcd = etcd;
    this.member = member;
    this.key = key;
    this.thread = new Thread(this::loop, "leader-key-watch");
    this.thread.setDaemon(true);
  }

  /** Starts watching {@code key} on member {@code member}; the key must exist now. */
  static LeaderKeyWatch start(EtcdCluster etcd, int member, String key) {
    if (!etcd.exists(member, key)) {
      throw new TestbedException("leader key " + key + " not found on " + etcd.member(member).name());
    }
    LeaderKeyWatch w = new LeaderKeyWatch(etcd, member, key);
    w.thread.start();
    return w;
  }

  private void loop() {
    while (running) {
      try {
        if (!etcd.exists(member, key)) {
          goneNanos = System.nanoTime();
          return;
        }
      } catch (TestbedException e) {
        // no answer while the majority elects a raft leader: the key still counts as there
      }
      LockSupport.parkNanos(INTERVAL.toNanos());
    }
  }

  /** Waits up to {@code timeout} for the key to go; its {@code System.nanoTime()} then, or 0 when it did not. */
  long awaitGone(Duration timeout) {
    try {
      thread.join(Math.max(1, timeout.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return goneNanos;
  }

  @Override
  public void close() {
    running = false;
  }
}
