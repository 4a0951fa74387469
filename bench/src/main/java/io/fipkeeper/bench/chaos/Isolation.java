package io.fipkeeper.bench.chaos;

import io.fipkeeper.bench.Network;

/**
 * A network partition that keeps the node's link up: its switch port is taken off the bridge, so nothing gets
 * in or out but the node's interface keeps its carrier. That is what a cloud VM sees when the network between
 * hosts fails; {@link Network#partition(int)} pulls the cable instead, which keepalived notices as an interface
 * fault (and so drops its address on its own), hiding the split brain VRRP has in a real partition.
 */
public final class Isolation {
  /** {@code FIPKEEPER_CHAOS_PARTITION=cable} switches to {@link Network#partition(int)} (link down). */
  private static final boolean CABLE = "cable".equals(System.getenv("FIPKEEPER_CHAOS_PARTITION"));

  private Isolation() {}

  public static void isolate(Network network, int node) {
    if (CABLE) {
      network.partition(node);
    } else {
      network.router().ip("link", "set", "n" + node, "nomaster");
    }
  }

  public static void rejoin(Network network, int node) {
    network.router().ip("link", "set", "n" + node, "master", "fkbr" + network.run());
    network.router().ip("link", "set", "n" + node, "up");
  }
}
