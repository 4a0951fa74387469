package io.fipkeeper.net;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * A throw-away network namespace with one interface, for tests that run the real {@code ip} tool. Uses a
 * dummy interface, or a veth pair when the kernel has no dummy driver. Skips (assumption) when namespaces
 * can't be created here, e.g. without root.
 */
final class NetnsFixture implements AutoCloseable {
  final String name = "fk-test-" + UUID.randomUUID().toString().substring(0, 8);
  final String device;
  private final IpCommand host = new IpCommand(List.of("ip"), Duration.ofSeconds(10));
  final IpCommand inside;

  NetnsFixture() throws IOException {
    IpCommand.Result add = host.run("netns", "add", name);
    assumeTrue(add.ok(), () -> "network namespaces unavailable (needs root and `ip netns`): " + add.failure());
    inside = new IpCommand(List.of("ip", "-n", name), Duration.ofSeconds(10));
    if (inside.run("link", "add", "dummy0", "type", "dummy").ok()) {
      device = "dummy0";
    } else {
      must(inside.run("link", "add", "fk0", "type", "veth", "peer", "name", "fk1"));
      must(inside.run("link", "set", "fk1", "up"));
      device = "fk0";
    }
    must(inside.run("link", "set", device, "up"));
    must(inside.run("link", "set", "lo", "up"));
  }

  /** Runs {@code ip -n <ns> args} and fails on a non-zero exit. */
  String ip(String... args) throws IOException {
    return must(inside.run(args)).stdout();
  }

  private static IpCommand.Result must(IpCommand.Result r) throws IOException {
    if (!r.ok()) {
      throw new IOException(r.failure());
    }
    return r;
  }

  @Override
  public void close() throws IOException {
    host.run("netns", "del", name);
  }
}
