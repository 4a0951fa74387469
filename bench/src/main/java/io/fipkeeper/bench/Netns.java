package io.fipkeeper.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * One Linux network namespace, driven through iproute2. Creating it brings up its loopback; deleting it
 * removes every interface inside (veth peers in other namespaces vanish with it), which is what makes
 * teardown complete even after a crash.
 */
public final class Netns {
  private final String name;

  private Netns(String name) {
    this.name = name;
  }

  /** Creates the namespace (replacing a stale one of the same name) and brings its loopback up. */
  public static Netns create(String name) {
    if (exists(name)) {
      Command.run("ip", "netns", "del", name);
    }
    Command.run("ip", "netns", "add", name);
    Netns ns = new Netns(name);
    ns.ip("link", "set", "lo", "up");
    return ns;
  }

  /** Whether a namespace with this name exists now. */
  public static boolean exists(String name) {
    return list().contains(name);
  }

  /** Names of all namespaces, as listed by {@code ip netns list}. */
  public static List<String> list() {
    List<String> names = new ArrayList<>();
    for (String line : Command.run("ip", "netns", "list").split("\n")) {
      String n = line.strip();
      if (!n.isEmpty()) {
        names.add(n.split("\\s+")[0]);
      }
    }
    return names;
  }

  /** Deletes every namespace whose name starts with the prefix; returns how many were removed. */
  public static int deleteAll(String prefix) {
    int removed = 0;
    for (String n : list()) {
      if (n.startsWith(prefix)) {
        Command.exec(List.of("ip", "netns", "del", n), 10_000);
        removed++;
      }
    }
    return removed;
  }

  public String name() {
    return name;
  }

  /** Runs {@code ip <args>} inside this namespace. */
  public String ip(String... args) {
    List<String> argv = new ArrayList<>(List.of("ip", "-n", name));
    argv.addAll(List.of(args));
    return Command.run(argv);
  }

  /** Runs any command inside this namespace to completion. */
  public String exec(String... argv) {
    return Command.run(Command.concat(prefix(), argv));
  }

  /** The argv prefix that makes a process start inside this namespace ({@code ip netns exec} execs in place). */
  public List<String> prefix() {
    return List.of("ip", "netns", "exec", name);
  }

  /**
   * Writes a sysctl inside this namespace, through /proc/sys (per namespace for net.*) so no procps is needed.
   */
  public void sysctl(String key, String value) {
    if (!key.matches("[a-z0-9_.]+") || !value.matches("[0-9]+")) {
      throw new IllegalArgumentException("unexpected sysctl " + key + "=" + value);
    }
    exec("sh", "-c", "echo " + value + " > /proc/sys/" + key.replace('.', '/'));
  }

  /** Deletes the namespace; a missing one is not an error. */
  public void delete() {
    Command.exec(List.of("ip", "netns", "del", name), 10_000);
  }

  @Override
  public String toString() {
    return name;
  }
}
