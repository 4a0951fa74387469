package io.fipkeeper.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP relay in front of etcd for one agent, to partition that agent alone: {@link #blackhole()} keeps
 * every connection open but drops every byte both ways (like a lost route: calls hang until their deadlines),
 * {@link #restore()} resets the connections so the client reconnects cleanly. Daemon threads; closing it ends all.
 */
final class TcpProxy implements AutoCloseable {
  private final ServerSocket server;
  private final int targetPort;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private volatile boolean blackhole;

  TcpProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    daemon("tcp-proxy-accept", this::acceptLoop);
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  void blackhole() {
    blackhole = true;
  }

  void restore() {
    List<Socket> garbage = List.copyOf(sockets); // bytes were dropped mid-stream: these connections are broken
    sockets.removeAll(garbage);
    blackhole = false;
    garbage.forEach(TcpProxy::closeQuietly);
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    closeAll();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        sockets.add(client);
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        sockets.add(upstream);
        daemon("tcp-proxy-up", () -> pipe(client, upstream));
        daemon("tcp-proxy-down", () -> pipe(upstream, client));
      } catch (IOException e) {
        // server closed, or etcd down: the client sees the connection drop and retries
      }
    }
  }

  private void pipe(Socket from, Socket to) {
    byte[] buf = new byte[16 * 1024];
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        if (!blackhole) {
          out.write(buf, 0, n);
          out.flush();
        }
      }
    } catch (IOException ended) {
      // one side closed
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private void closeAll() {
    for (Socket s : sockets) {
      closeQuietly(s);
    }
    sockets.clear();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  private static void daemon(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
  }
}
