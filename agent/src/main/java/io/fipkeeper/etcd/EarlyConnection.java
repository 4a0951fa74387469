package io.fipkeeper.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The etcd client of a starting agent, made and connected on a thread of its own while the agent asks Hetzner for its
 * server id and the floating IP. A restarted leader must keep its lease alive before etcd expires it (1-2.5 s after a
 * crash with a 2 s TTL); making the client and opening its first connection (gRPC and Netty classes, TCP, HTTP/2, TLS)
 * costs 100-400 ms of that on a loaded node and needs nothing Hetzner says, so it does not wait for it.
 *
 * <p>The client is handed over as soon as it exists; one small read (a key count under the election prefix), sent right
 * after, opens the connection and loads the call path meanwhile. If it fails, only the head start is lost: the
 * election's own calls report etcd's failures as always. Thread-safe.
 */
public final class EarlyConnection implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EarlyConnection.class);

  private final CompletableFuture<Client> client = new CompletableFuture<>();
  // guarded by this
  private boolean taken;
  private boolean closed;

  private EarlyConnection() {}

  /** Starts making the client and connecting it; returns at once. */
  public static EarlyConnection start(EtcdSettings settings, String prefix, String node) {
    EarlyConnection early = new EarlyConnection();
    Thread t = new Thread(() -> early.connect(settings, prefix, node), "etcd-connect-" + node);
    t.setDaemon(true);
    t.start();
    return early;
  }

  private void connect(EtcdSettings settings, String prefix, String node) {
    Client c;
    try {
      c = settings.newClient();
    } catch (RuntimeException e) {
      client.completeExceptionally(e);
      return;
    }
    synchronized (this) {
      if (closed) { // start-up failed meanwhile: nobody will take it
        c.close();
        return;
      }
    }
    // handed over at once, not after the read: with etcd down the start-up must not wait for it here (the adoption's
    // own bounded call says so); the read only opens the connection and loads the call path meanwhile
    client.complete(c);
    try {
      c.getKVClient().get(ByteSequence.from(prefix + "/", StandardCharsets.UTF_8),
              GetOption.builder().isPrefix(true).withCountOnly(true).build())
          .whenComplete((answer, failure) -> {
            if (failure != null) {
              log.debug("etcd not reachable yet at start-up node={} error={}", node, Failures.describe(failure));
            }
          });
    } catch (RuntimeException e) { // closed meanwhile: the start-up failed
      log.debug("early etcd read not sent node={} error={}", node, e.toString());
    }
  }

  /**
   * Waits for the client and hands it over: the caller owns and closes it from now on. Throws what making it threw
   * (a bad TLS file, say).
   */
  public Client take() {
    try {
      Client c = client.join();
      synchronized (this) {
        taken = true;
      }
      return c;
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  /** Closes the client unless it was taken (start-up failed before the election got it). */
  @Override
  public void close() {
    synchronized (this) {
      if (taken || closed) {
        return;
      }
      closed = true;
    }
    client.thenAccept(Client::close);
  }
}
