package io.fipkeeper.bench;

/** The namespace testbed was asked for without root; commands exit 2 on it. */
public final class NotRootException extends TestbedException {
  public NotRootException() {
    super("the namespace testbed needs root (network namespaces, veth, bridge, ip addr): run as root, "
        + "or use the loopback testbed");
  }
}
