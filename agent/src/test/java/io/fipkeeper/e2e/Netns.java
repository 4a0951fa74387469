package io.fipkeeper.e2e;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away network namespace with one veth end {@code fk0} up (this kernel has no dummy driver), for agents
 * that bind for real with {@code ip -n}. Skips the test with a clear message when namespaces can't be created
 * (not root). Deleting the namespace removes both veth ends and every address.
 */
final class Netns implements AutoCloseable {
  static final String DEVICE = "fk0";

  final String name = "fk-e2e-" + UUID.randomUUID().toString().substring(0, 8);

  Netns() throws IOException {
    Result add = run("ip", "netns", "add", name);
    assumeTrue(add.ok(), () -> "skipped: creating a network namespace needs root and `ip netns` (uid "
        + uid() + "): " + add.output());
    try {
      ip("link", "add", DEVICE, "type", "veth", "peer", "name", "fk1");
      ip("link", "set", "fk1", "up");
      ip("link", "set", DEVICE, "up");
      ip("link", "set", "lo", "up");
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /** {@code ip -n NAME args}; fails on a non-zero exit. */
  String ip(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("ip", "-n", name));
    command.addAll(List.of(args));
    Result r = run(command.toArray(String[]::new));
    if (!r.ok()) {
      throw new IOException(String.join(" ", command) + " failed: " + r.output());
    }
    return r.output();
  }

  /** The IPv4 addresses on {@link #DEVICE} as {@code ip} prints them, e.g. {@code 203.0.113.10/32}. */
  String addresses() throws IOException {
    return ip("-4", "-o", "addr", "show", "dev", DEVICE);
  }

  @Override
  public void close() throws IOException {
    run("ip", "netns", "del", name);
  }

  private record Result(boolean ok, String output) {}

  private static Result run(String... command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(false, String.join(" ", command) + ": timed out");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      return new Result(false, "interrupted");
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    return new Result(p.exitValue() == 0, out);
  }

  private static String uid() {
    try {
      return run("id", "-u").output();
    } catch (IOException e) {
      return "unknown";
    }
  }
}
