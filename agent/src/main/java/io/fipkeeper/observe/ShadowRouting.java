package io.fipkeeper.observe;

import io.fipkeeper.leader.HolderRecord;
import io.fipkeeper.leader.port.ElectionEvent;
import java.util.function.Consumer;

/**
 * Where the observers would have Hetzner route the floating IP: the server of the newest would-be takeover, this
 * node's own or another observer's (learnt from the holder records the observers publish under their own etcd
 * prefix). It is the only routing the observing state machine acts on: the real one belongs to another controller
 * (Talos' VIP, keepalived), and reacting to it would make a would-be leader "re-assign" forever. Thread-safe.
 */
public final class ShadowRouting {
  private Long server;
  private long epoch = -1;

  /** The server the would-be world routes the IP to, null before any would-be takeover is known. */
  public synchronized Long server() {
    return server;
  }

  /** This node's would-be takeover completed: the IP would now be routed to {@code serverId}. */
  public synchronized void takenOverBy(long serverId) {
    server = serverId;
  }

  /** An observer published that it would hold the IP; older records than the newest seen change nothing. */
  public synchronized void holderPublished(HolderRecord holder) {
    if (holder != null && holder.epoch() >= epoch) {
      epoch = holder.epoch();
      server = holder.serverId();
    }
  }

  /**
   * Wraps the election's listener: holder records update this routing before {@code next} (the loop's inbox) sees
   * them, so the machine never reads a would-be routing older than the holder record it is reacting to.
   */
  public Consumer<ElectionEvent> tap(Consumer<ElectionEvent> next) {
    return event -> {
      if (event instanceof ElectionEvent.HolderChanged h) {
        holderPublished(h.holder());
      }
      next.accept(event);
    };
  }
}
