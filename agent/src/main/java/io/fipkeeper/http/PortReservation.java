package io.fipkeeper.http;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;

/**
 * The agent's HTTP port, held from the first moment of a start-up until the {@link StatusServer} takes it.
 *
 * <p>Why: the port is the guard against a second agent on the same node (the chart runs with host networking and a
 * fixed port, docs/design.md "What if the previous run is still alive?"): a second agent must fail on the port before
 * it touches etcd, since adopting the lease would make the live first run stand down. The HTTP server itself starts
 * after the lease is adopted (a restarted leader has no time to spare), so the port is reserved first with a plain
 * socket — no Netty classes to load — and handed over right before the server binds: the gap is a few microseconds
 * inside one process. A port of 0 (tests) reserves nothing.
 */
public final class PortReservation implements AutoCloseable {
  private final ServerSocketChannel held;

  private PortReservation(ServerSocketChannel held) {
    this.held = held;
  }

  /**
   * Binds {@code listen} now.
   *
   * @throws BindException with the same one-line message as {@link StatusServer#start()}, e.g.
   *     {@code cannot listen on 127.0.0.1:9847 (http.listen): Address already in use}
   */
  public static PortReservation hold(InetSocketAddress listen) throws BindException {
    if (listen.getPort() == 0) {
      return new PortReservation(null);
    }
    ServerSocketChannel channel = null;
    try {
      channel = ServerSocketChannel.open();
      channel.bind(listen, 1);
      return new PortReservation(channel);
    } catch (IOException e) {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException ignored) {
          // nothing was bound
        }
      }
      String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      BindException failure = new BindException("cannot listen on " + StatusServer.format(listen) + " (http.listen): "
          + reason);
      failure.initCause(e);
      throw failure;
    }
  }

  /** Lets go of the port (for the HTTP server to bind it next); idempotent. */
  @Override
  public void close() {
    if (held == null) {
      return;
    }
    try {
      held.close();
    } catch (IOException e) {
      // closing a listening socket that accepted nothing does not fail in practice; the server's bind would say so
    }
  }
}
