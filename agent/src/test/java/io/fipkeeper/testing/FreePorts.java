package io.fipkeeper.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Distinct loopback ports that were free a moment ago. Another process may still take one before etcd binds it,
 * which is why the backends retry once on "address already in use".
 */
final class FreePorts {

  private FreePorts() {}

  static int[] distinct(int count) {
    Set<Integer> ports = new LinkedHashSet<>();
    while (ports.size() < count) {
      ports.add(one());
    }
    return ports.stream().mapToInt(Integer::intValue).toArray();
  }

  private static int one() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }
}
