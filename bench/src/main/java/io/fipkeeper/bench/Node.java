package io.fipkeeper.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * One emulated control-plane host: its name (also the etcd member, server and agent name), the namespace its
 * processes run in ({@code null} on the loopback testbed) and the address and ports they listen on.
 */
public record Node(
    int index,
    String name,
    String namespace,
    String address,
    int etcdClientPort,
    int etcdPeerPort,
    int httpPort) {

  /** The argv prefix that starts a process on this node. */
  public List<String> prefix() {
    return namespace == null ? List.of() : List.of("ip", "netns", "exec", namespace);
  }

  /** The full argv of a process started on this node. */
  public List<String> command(List<String> argv) {
    List<String> all = new ArrayList<>(prefix());
    all.addAll(argv);
    return all;
  }

  public String etcdClientUrl() {
    return "http://" + address + ":" + etcdClientPort;
  }

  public String etcdPeerUrl() {
    return "http://" + address + ":" + etcdPeerPort;
  }

  public String httpUrl() {
    return "http://" + address + ":" + httpPort;
  }
}
