package io.fipkeeper.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a short-lived external command (mostly {@code ip}) to completion within a deadline and returns its
 * output. A non-zero exit or a timeout becomes a {@link TestbedException} naming the command and its stderr.
 */
final class Command {
  private static final long DEFAULT_TIMEOUT_MS = 10_000;

  private Command() {}

  /** Runs the command and fails on a non-zero exit. */
  static String run(String... argv) {
    return run(List.of(argv));
  }

  static String run(List<String> argv) {
    Result r = exec(argv, DEFAULT_TIMEOUT_MS);
    if (r.exitCode() != 0) {
      throw new TestbedException(
          "command failed exit=" + r.exitCode() + ": " + String.join(" ", argv) + ": " + r.stderr().strip());
    }
    return r.stdout();
  }

  /** Runs the command and returns its result whatever the exit code (still bounded in time). */
  static Result exec(List<String> argv, long timeoutMs) {
    ProcessBuilder pb = new ProcessBuilder(argv);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new TestbedException("cannot start " + argv.get(0) + ": " + e.getMessage(), e);
    }
    CompletableFuture<String> out = drain(p.getInputStream());
    CompletableFuture<String> err = drain(p.getErrorStream());
    try {
      if (!p.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new TestbedException("command timed out after " + timeoutMs + "ms: " + String.join(" ", argv));
      }
      return new Result(p.exitValue(), out.get(1, TimeUnit.SECONDS), err.get(1, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new TestbedException("interrupted while running " + argv.get(0), e);
    } catch (ExecutionException | TimeoutException e) {
      throw new TestbedException("cannot read output of " + argv.get(0) + ": " + e, e);
    }
  }

  static List<String> concat(List<String> prefix, String... rest) {
    List<String> all = new ArrayList<>(prefix);
    all.addAll(List.of(rest));
    return all;
  }

  private static CompletableFuture<String> drain(InputStream in) {
    // own daemon threads: the common pool has one thread on a 2-core machine and both streams must drain at once
    CompletableFuture<String> f = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try (in) {
        f.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        f.complete("");
      }
    }, "command-drain");
    t.setDaemon(true);
    t.start();
    return f;
  }

  /** Exit code and captured streams of a finished command. */
  record Result(int exitCode, String stdout, String stderr) {}
}
