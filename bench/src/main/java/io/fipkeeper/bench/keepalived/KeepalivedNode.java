package io.fipkeeper.bench.keepalived;

import io.fipkeeper.bench.Netns;
import io.fipkeeper.bench.Node;
import io.fipkeeper.bench.TestbedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * keepalived (VRRP only) on one node, plus the small HTTP responder that answers the outside prober on the
 * floating IP. keepalived runs in its own session ({@code setsid}), so a crash can be simulated by SIGKILLing
 * its whole process group at once: killing only the parent would let the VRRP child shut down gracefully.
 */
final class KeepalivedNode implements AutoCloseable {
  static final Path KEEPALIVED = Path.of("/usr/sbin/keepalived");

  private final Node node;
  private final Netns ns;
  private final Path dir;
  private final Path conf;
  private final Path log;
  private final Path notifyLog;
  private Process keepalived;
  private Process responder;

  KeepalivedNode(Node node, Netns ns, Path dir, KeepalivedConfig config, String notifyScript) {
    this.node = node;
    this.ns = ns;
    this.dir = dir;
    this.conf = dir.resolve("keepalived.conf");
    this.log = dir.resolve("keepalived.log");
    this.notifyLog = dir.resolve("notify.log");
    try {
      Files.createDirectories(dir);
      Files.writeString(conf, config.render());
      Path script = Path.of(config.notifyScript());
      Files.writeString(script, notifyScript);
      Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    } catch (IOException e) {
      throw new TestbedException("cannot write keepalived files in " + dir + ": " + e.getMessage(), e);
    }
  }

  Node node() {
    return node;
  }

  Path notifyLog() {
    return notifyLog;
  }

  /** Starts keepalived (no-op when it runs) and, once, the responder. */
  void start(String javaCommand, String classpath, int httpPort) {
    if (responder == null || !responder.isAlive()) {
      List<String> argv = new ArrayList<>(ns.prefix());
      argv.addAll(List.of(javaCommand, "-Xmx16m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", classpath,
          StatusResponderMain.class.getName(), node.name(), Integer.toString(httpPort)));
      responder = launch(argv, dir.resolve("responder.log"), false);
    }
    if (keepalived != null && keepalived.isAlive()) {
      return;
    }
    List<String> argv = new ArrayList<>(ns.prefix());
    argv.addAll(List.of("setsid", KEEPALIVED.toString(), "--dont-fork", "--log-console", "--log-detail", "--no-syslog",
        "--vrrp", "--use-file", conf.toString(), "--pid", dir.resolve("keepalived.pid").toString(),
        "--vrrp_pid", dir.resolve("vrrp.pid").toString(), "--checkers_pid", dir.resolve("checkers.pid").toString()));
    keepalived = launch(argv, log, true);
  }

  boolean isAlive() {
    return keepalived != null && keepalived.isAlive();
  }

  /** A crash: SIGKILL to keepalived's whole process group (parent and VRRP child). */
  void sigkill() {
    if (keepalived == null) {
      return;
    }
    try {
      new ProcessBuilder("kill", "-KILL", "--", "-" + keepalived.pid()).redirectErrorStream(true).start()
          .waitFor(5, TimeUnit.SECONDS);
      keepalived.waitFor(5, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new TestbedException("cannot kill keepalived on " + node.name() + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Kills the responder (the node's service); {@link #start} brings it back. */
  void killResponder() {
    if (responder != null) {
      responder.destroyForcibly();
      try {
        responder.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Graceful stop request; returns at once. */
  void sigterm() {
    if (keepalived != null) {
      keepalived.destroy();
    }
  }

  boolean waitExit(Duration timeout) {
    try {
      return keepalived == null || keepalived.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Stops keepalived: SIGTERM, then the group SIGKILL after 5 s. */
  void stop() {
    sigterm();
    if (!waitExit(Duration.ofSeconds(5))) {
      sigkill();
    }
  }

  @Override
  public void close() {
    stop();
    if (responder != null) {
      responder.destroyForcibly();
    }
  }

  private static Process launch(List<String> argv, Path out, boolean stdinFromNull) {
    try {
      ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()));
      if (stdinFromNull) {
        pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
      }
      return pb.start();
    } catch (IOException e) {
      throw new TestbedException("cannot start " + argv + ": " + e.getMessage(), e);
    }
  }
}
