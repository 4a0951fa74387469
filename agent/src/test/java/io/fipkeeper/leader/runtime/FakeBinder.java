package io.fipkeeper.leader.runtime;

import io.fipkeeper.leader.port.AddressBinder;
import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records binds and unbinds on a pretend interface; {@link #failBind} makes binds fail like a missing NET_ADMIN. */
final class FakeBinder implements AddressBinder {
  final Set<InetAddress> bound = ConcurrentHashMap.newKeySet();
  final List<String> ops = new CopyOnWriteArrayList<>();
  volatile boolean failBind;
  /** The thread of every call (bind, unbind, isBound). */
  final Set<String> threads = ConcurrentHashMap.newKeySet();

  @Override
  public void bind(InetAddress address) throws IOException {
    threads.add(Thread.currentThread().getName());
    ops.add("bind " + address.getHostAddress());
    if (failBind) {
      throw new IOException("RTNETLINK answers: Operation not permitted");
    }
    bound.add(address);
  }

  @Override
  public void unbind(InetAddress address) {
    threads.add(Thread.currentThread().getName());
    ops.add("unbind " + address.getHostAddress());
    bound.remove(address);
  }

  @Override
  public boolean isBound(InetAddress address) {
    threads.add(Thread.currentThread().getName());
    return bound.contains(address);
  }

  @Override
  public String interfaceName() {
    return "eth0";
  }

  @Override
  public Set<InetAddress> boundAddresses() {
    return Set.copyOf(bound);
  }

  boolean has(String ip) {
    return bound.stream().anyMatch(a -> a.getHostAddress().equals(ip));
  }
}
