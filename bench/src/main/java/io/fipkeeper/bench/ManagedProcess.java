package io.fipkeeper.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A long-running child process (etcd member, simulator, agent) with its output in a log file. Started through
 * {@code ip netns exec}, which execs in place, so the pid is the real program's and signals reach it directly.
 * {@link #stop(Duration)} always ends it: SIGTERM, then SIGKILL after the grace period.
 */
public final class ManagedProcess implements AutoCloseable {
  private final String name;
  private final List<String> argv;
  private final Path log;
  private final Process process;

  private ManagedProcess(String name, List<String> argv, Path log, Process process) {
    this.name = name;
    this.argv = argv;
    this.log = log;
    this.process = process;
  }

  /** Starts the process with extra environment; stdout and stderr are appended to {@code log}. */
  public static ManagedProcess start(String name, List<String> argv, Map<String, String> env, Path log) {
    try {
      Files.createDirectories(log.toAbsolutePath().getParent());
      ProcessBuilder pb = new ProcessBuilder(argv)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
      pb.environment().putAll(env);
      return new ManagedProcess(name, List.copyOf(argv), log, pb.start());
    } catch (IOException e) {
      throw new TestbedException("cannot start " + name + ": " + e.getMessage(), e);
    }
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Path log() {
    return log;
  }

  public List<String> argv() {
    return argv;
  }

  /** Sends SIGTERM and returns at once. */
  public void sigterm() {
    process.destroy();
  }

  /** Sends SIGKILL and waits (bounded) until the kernel has reaped it. */
  public void sigkill() {
    process.destroyForcibly();
    waitFor(Duration.ofSeconds(5));
  }

  /** Freezes the process (SIGSTOP), as a VM pause or a stalled cgroup would; {@link #resume()} thaws it. */
  public void pause() {
    signal("STOP");
  }

  /** SIGCONT after {@link #pause()}. */
  public void resume() {
    signal("CONT");
  }

  private void signal(String name) {
    if (process.isAlive()) {
      // java.lang.Process can only TERM and KILL; the shell's kill builtin is in every Debian (procps may not be)
      Command.run("sh", "-c", "kill -s " + name + " " + process.pid());
    }
  }

  /** Waits for exit; returns the exit code, or empty if still running at the deadline. */
  public Optional<Integer> waitFor(Duration timeout) {
    try {
      if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        return Optional.of(process.exitValue());
      }
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** SIGTERM, wait up to {@code grace}, then SIGKILL. Returns the exit code (137 style codes after a kill). */
  public int stop(Duration grace) {
    if (!process.isAlive()) {
      return process.exitValue();
    }
    sigterm();
    return waitFor(grace).orElseGet(() -> {
      sigkill();
      return process.isAlive() ? -1 : process.exitValue();
    });
  }

  /** Resident set size in KiB from /proc, or -1 when the process is gone. */
  public long rssKib() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
      return -1;
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  /** Stops it (SIGTERM, SIGKILL after 5 s). */
  @Override
  public void close() {
    stop(Duration.ofSeconds(5));
  }

  /** The last lines of the log, for error messages. */
  public String tail(int lines) {
    try {
      List<String> all = Files.readAllLines(log);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}
