package io.fipkeeper.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs the {@code ip} tool with a bounded wait: a command that hasn't finished within the timeout is killed
 * and reported as an {@link IOException}. Optionally prefixes {@code -n <netns>} so every command acts inside a
 * network namespace. Output is read on daemon threads so a full pipe can't block the wait.
 */
final class IpCommand {
  private static final Executor READERS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "ip-command-output");
    t.setDaemon(true);
    return t;
  });

  private final List<String> prefix;
  private final Duration timeout;

  /** {@code ip} itself, optionally inside a network namespace. */
  IpCommand(Optional<String> netns, Duration timeout) {
    this(ipPrefix(netns), timeout);
  }

  /** Any command prefix; tests use it to run something slow in place of {@code ip}. */
  IpCommand(List<String> prefix, Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, got " + timeout);
    }
    this.prefix = List.copyOf(prefix);
    this.timeout = timeout;
  }

  private static List<String> ipPrefix(Optional<String> netns) {
    List<String> p = new ArrayList<>(List.of("ip"));
    netns.ifPresent(ns -> {
      p.add("-n");
      p.add(ns);
    });
    return p;
  }

  /** The outcome of one command; {@code command} is the readable command line for messages. */
  record Result(String command, int exitCode, String stdout, String stderr) {
    boolean ok() {
      return exitCode == 0;
    }

    /** {@code `ip addr add ...` failed (exit 2): Error: ...} */
    String failure() {
      String detail = stderr.strip().replace('\n', ' ');
      return "`" + command + "` failed (exit " + exitCode + ")" + (detail.isEmpty() ? "" : ": " + detail);
    }
  }

  /** Runs {@code prefix + args}; throws only when the command can't start, times out or is interrupted. */
  Result run(String... args) throws IOException {
    List<String> command = new ArrayList<>(prefix);
    command.addAll(List.of(args));
    String printable = String.join(" ", command);
    Process process = new ProcessBuilder(command).start();
    process.getOutputStream().close();
    CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()), READERS);
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()), READERS);
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IOException("`" + printable + "` did not finish within " + timeout.toMillis() + "ms");
      }
      // the process has exited, so its pipes reach EOF promptly; the deadline only guards against surprises
      return new Result(printable, process.exitValue(), out.get(timeout.toMillis(), TimeUnit.MILLISECONDS),
          err.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running `" + printable + "`", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException("cannot read the output of `" + printable + "`: " + e, e);
    }
  }

  private static String read(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
