package io.fipkeeper.net;

import io.fipkeeper.leader.port.AddressBinder;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds floating IPs as host addresses (/32, /128) with the {@code ip} tool; needs NET_ADMIN. Every call runs
 * {@code ip} with a bounded timeout and fails with an {@link IOException} carrying the command and its stderr.
 * bind and unbind are idempotent, including when another process changed the address in between ("File
 * exists", "Cannot assign requested address"). IPv6 addresses are added with {@code nodad}: the floating IP is
 * routed to this server by Hetzner, so duplicate address detection would only delay it.
 */
public final class IpCommandBinder implements AddressBinder {
  private static final Logger log = LoggerFactory.getLogger(IpCommandBinder.class);
  /** Default bound on one {@code ip} invocation. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  private final String interfaceName;
  private final IpCommand ip;

  /** A binder on a named interface (resolve "auto" first with {@link InterfaceResolver}). */
  public IpCommandBinder(String interfaceName) {
    this(interfaceName, Optional.empty(), DEFAULT_TIMEOUT);
  }

  /**
   * @param interfaceName the interface to bind on (not "auto")
   * @param netns run every command as {@code ip -n <netns>}; empty for the agent's own namespace
   * @param commandTimeout bound on each {@code ip} invocation
   */
  public IpCommandBinder(String interfaceName, Optional<String> netns, Duration commandTimeout) {
    this.interfaceName = Objects.requireNonNull(interfaceName, "interfaceName");
    if (interfaceName.equals("auto") || interfaceName.isBlank()) {
      throw new IllegalArgumentException("resolve the interface name first, got \"" + interfaceName + "\"");
    }
    this.ip = new IpCommand(netns, commandTimeout);
  }

  @Override
  public void bind(InetAddress address) throws IOException {
    if (isBound(address)) {
      log.debug("address already bound fip={} interface={}", address.getHostAddress(), interfaceName);
      return;
    }
    List<String> args = new ArrayList<>(List.of("addr", "add", HostAddresses.cidr(address), "dev", interfaceName));
    if (address instanceof Inet6Address) {
      args.add("nodad");
    }
    IpCommand.Result result = ip.run(args.toArray(String[]::new));
    if (result.ok()) {
      log.info("bound address fip={} interface={}", address.getHostAddress(), interfaceName);
    } else if (alreadyThere(result.stderr())) {
      log.debug("address bound concurrently fip={} interface={}", address.getHostAddress(), interfaceName);
    } else {
      throw new IOException("cannot bind " + HostAddresses.cidr(address) + " on " + interfaceName + ": "
          + result.failure());
    }
  }

  @Override
  public void unbind(InetAddress address) throws IOException {
    IpCommand.Result result = ip.run("addr", "del", HostAddresses.cidr(address), "dev", interfaceName);
    if (result.ok()) {
      log.info("unbound address fip={} interface={}", address.getHostAddress(), interfaceName);
    } else if (absent(result.stderr())) {
      log.debug("address already absent fip={} interface={}", address.getHostAddress(), interfaceName);
    } else {
      throw new IOException("cannot unbind " + HostAddresses.cidr(address) + " from " + interfaceName + ": "
          + result.failure());
    }
  }

  @Override
  public boolean isBound(InetAddress address) throws IOException {
    return boundAddresses().contains(address);
  }

  @Override
  public String interfaceName() {
    return interfaceName;
  }

  /**
   * Every host address (/32, /128) on the interface, loopback and link-local excluded. On Hetzner this
   * includes the server's own primary IPv4 (configured as /32), so callers compare against their floating IPs.
   */
  @Override
  public Set<InetAddress> boundAddresses() throws IOException {
    IpCommand.Result result = ip.run("-j", "addr", "show", "dev", interfaceName);
    if (!result.ok()) {
      throw new IOException("cannot list addresses of " + interfaceName + ": " + result.failure());
    }
    return HostAddresses.parse(result.stdout());
  }

  private static boolean alreadyThere(String stderr) {
    String s = stderr.toLowerCase(Locale.ROOT);
    // iproute2 < 5.x prints the errno text, newer kernels send an extack message
    return s.contains("file exists") || s.contains("already assigned");
  }

  private static boolean absent(String stderr) {
    String s = stderr.toLowerCase(Locale.ROOT);
    return s.contains("cannot assign requested address") || s.contains("address not found");
  }

  @Override
  public String toString() {
    return "IpCommandBinder[" + interfaceName + "]";
  }
}
