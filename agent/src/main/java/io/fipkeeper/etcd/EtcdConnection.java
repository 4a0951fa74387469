package io.fipkeeper.etcd;

import io.etcd.jetcd.Client;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The jetcd client an election talks through, which {@link PreferredMember} may replace by one connected to another
 * member. Every call takes {@link #current()} when it starts and finishes on that client: a replaced client stays
 * open for {@code grace}, longer than any bounded call may take, so whatever was issued on it (a keep-alive, the
 * fence's reads, a resign) is answered there instead of failing, and is closed after it. Nothing an election keeps
 * lives in a call (the candidacy is its key, the lease is renewed request by request), so a replaced client leaves
 * nothing behind but watches, which the observer re-opens on the new client before the old one goes.
 *
 * <p>Thread-safety: all methods may be called from any thread.
 */
final class EtcdConnection implements Supplier<Client>, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EtcdConnection.class);

  private final Duration grace;
  private final ScheduledExecutorService timer;

  // guarded by this
  private Client current;
  private final List<Client> retiring = new ArrayList<>();
  private boolean closed;

  /**
   * @param first the client to start with; this connection owns it
   * @param grace how long a replaced client stays open for the calls issued on it
   * @param timer runs the closing of replaced clients (never blocks it for long: closing a client only shuts channels)
   */
  EtcdConnection(Client first, Duration grace, ScheduledExecutorService timer) {
    this.current = first;
    this.grace = grace;
    this.timer = timer;
  }

  /** The client new calls go through. */
  synchronized Client current() {
    return current;
  }

  @Override
  public Client get() {
    return current();
  }

  /**
   * Makes {@code next} the client for every call from now on; the one it replaces is closed after the grace, right
   * after {@code beforeClose} (which closes what was opened on it and must not end with it: the old watches). Returns
   * false, closing {@code next}, when this connection is closed.
   */
  boolean replace(Client next, Runnable beforeClose) {
    Client old;
    synchronized (this) {
      if (closed) {
        next.close();
        return false;
      }
      old = current;
      current = next;
      retiring.add(old);
    }
    Runnable retire = () -> {
      synchronized (this) {
        if (!retiring.remove(old)) {
          return; // closed with the connection already
        }
      }
      beforeClose.run();
      old.close();
      log.debug("replaced etcd client closed");
    };
    try {
      timer.schedule(retire, grace.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException stopping) {
      retire.run();
    }
    return true;
  }

  /** Closes the current client and every replaced one still open. */
  @Override
  public void close() {
    List<Client> all;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      all = new ArrayList<>(retiring);
      retiring.clear();
      all.add(current);
    }
    all.forEach(Client::close);
  }
}
