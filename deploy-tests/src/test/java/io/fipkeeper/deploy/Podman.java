package io.fipkeeper.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Debian's podman as root, on storage of its own: {@code --root}/{@code --runroot} under one directory, so that
 * everything it creates (images, containers, their overlay mounts) is this object's and nothing else on the machine
 * is touched, not even another podman user's images. {@code runc} with the cgroupfs manager, because the machine has
 * cgroup v1 (crun refuses it). {@link #close()} (also run by a shutdown hook, and by {@link #sweep(Path)} at the next
 * start after a crash) removes every container, image and mount it made and the directory itself.
 */
final class Podman implements AutoCloseable {
  private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(3);
  private static final Pattern LOADED = Pattern.compile("Loaded image(?:\\(s\\))?: (\\S+)");

  private final Path dir;
  private final List<String> base;
  private final Thread hook = new Thread(this::closeQuietly, "podman-teardown");
  private boolean closed;

  private Podman(Path dir) {
    this.dir = dir;
    this.base = List.of("podman", "--root", dir.resolve("storage").toString(),
        "--runroot", dir.resolve("run").toString(), "--tmpdir", dir.resolve("tmp").toString(),
        "--cgroup-manager", "cgroupfs", "--runtime", "runc", "--events-backend", "file");
  }

  /** Whether podman and runc are installed (scripts/install-deps.sh installs both). */
  static boolean installed() {
    return onPath("podman") && onPath("runc");
  }

  /** A podman on storage under {@code dir}; whatever a crashed earlier run left there is removed first. */
  static Podman open(Path dir) {
    sweep(dir);
    Podman podman = new Podman(dir);
    Runtime.getRuntime().addShutdownHook(podman.hook);
    return podman;
  }

  /** Removes the containers, images and mounts that a podman on storage under {@code dir} left behind. */
  static void sweep(Path dir) {
    if (Files.isDirectory(dir)) {
      new Podman(dir).removeEverything();
    }
  }

  /** Loads an OCI (or docker) archive; returns the image name podman gave it. */
  String load(Path archive) {
    String out = run("load", "--input", archive.toString());
    Matcher m = LOADED.matcher(out);
    if (!m.find()) {
      throw new IllegalStateException("podman load printed no image name: " + out);
    }
    return m.group(1);
  }

  /** Runs {@code podman <args>}; fails with podman's stderr on a non-zero exit. Returns stdout. */
  String run(String... args) {
    return run(List.of(args));
  }

  String run(List<String> args) {
    Result r = exec(args);
    if (r.exitCode() != 0) {
      throw new IllegalStateException("podman " + String.join(" ", args) + " exited " + r.exitCode() + ": "
          + r.stderr().strip() + (r.stdout().isBlank() ? "" : "\n" + r.stdout().strip()));
    }
    return r.stdout();
  }

  /** Runs {@code podman <args>} and returns its exit code and output, whatever the exit code. */
  Result exec(List<String> args) {
    List<String> argv = new ArrayList<>(base);
    argv.addAll(args);
    try {
      Path out = Files.createTempFile("podman-out", ".txt");
      Path err = Files.createTempFile("podman-err", ".txt");
      try {
        Process p = new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new IllegalStateException("podman " + String.join(" ", args) + " did not finish within " + COMMAND_TIMEOUT);
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run podman: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running podman", e);
    }
  }

  /** The host PID of a running container's first process (the agent's JVM: the launcher execs it). */
  long pid(String container) {
    return Long.parseLong(run("inspect", "--format", "{{.State.Pid}}", container).strip());
  }

  /** The exit code of a stopped container. */
  int exitCode(String container) {
    return Integer.parseInt(run("inspect", "--format", "{{.State.ExitCode}}", container).strip());
  }

  /** The container's output so far (the agent logs to stderr). */
  String logs(String container) {
    Result r = exec(List.of("logs", container));
    return r.stdout() + r.stderr();
  }

  /**
   * {@code --ulimit} flags for {@code nofile} and {@code nproc}, at most this machine's hard limits. Without them
   * podman asks runc to raise both, which fails where the machine withholds CAP_SYS_RESOURCE (a sandbox such as this
   * one): runc then refuses to start the container. podman also lowers its own {@code nproc} to 32768 before it starts
   * the runtime, so nothing above that can be set either. The agent needs a few hundred of each.
   */
  static List<String> keepHostLimits() {
    return List.of("--ulimit", "nofile=" + limit("Max open files", 65536), "--ulimit",
        "nproc=" + limit("Max processes", 4096));
  }

  /** "n:n" with n = the smaller of {@code cap} and the hard limit named {@code name} in /proc/self/limits. */
  private static String limit(String name, long cap) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
        String[] f = line.split("\\s{2,}");
        if (f.length >= 3 && f[0].equals(name)) {
          long hard = f[2].strip().equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(f[2].strip());
          long n = Math.min(hard, cap);
          return n + ":" + n;
        }
      }
      return cap + ":" + cap;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    removeEverything();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down: we are the hook
    }
  }

  private void closeQuietly() {
    try {
      close();
    } catch (RuntimeException e) {
      System.err.println("podman teardown failed: " + e.getMessage());
    }
  }

  /** Every container and image on this storage (and only this storage), then its mounts and the directory. */
  private void removeEverything() {
    exec(List.of("rm", "--all", "--force", "--time", "0"));
    exec(List.of("rmi", "--all", "--force"));
    unmountUnder(dir);
    deleteTree(dir);
  }

  private static void unmountUnder(Path dir) {
    try {
      String prefix = dir.toRealPath().toString() + "/";
      List<String> mounts = new ArrayList<>();
      for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
        String mountPoint = line.split(" ")[4].replace("\\040", " ");
        if (mountPoint.startsWith(prefix)) {
          mounts.add(mountPoint);
        }
      }
      mounts.sort(Comparator.reverseOrder()); // children first
      for (String m : mounts) {
        new ProcessBuilder("umount", "--lazy", m).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (IOException e) {
      // nothing mounted, or the directory is already gone
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      System.err.println("cannot remove " + root + " completely: " + e.getMessage());
    }
  }

  private static boolean onPath(String command) {
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    return Stream.of(path.split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, command)));
  }

  /** Exit code and output of one podman command. */
  record Result(int exitCode, String stdout, String stderr) {}
}
