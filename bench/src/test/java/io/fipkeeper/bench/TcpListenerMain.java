package io.fipkeeper.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Accepts and closes TCP connections on the given address and port until killed (test helper). */
public final class TcpListenerMain {
  private TcpListenerMain() {}

  public static void main(String[] args) throws IOException {
    try (ServerSocket s = new ServerSocket(Integer.parseInt(args[1]), 16, InetAddress.getByName(args[0]))) {
      while (true) {
        try (Socket c = s.accept()) {
          c.getOutputStream().write('\n');
        }
      }
    }
  }
}
