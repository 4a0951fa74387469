package io.fipkeeper.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How the testbed's agents run their JVM: the way the image does in production — the chart's {@code jvmOptions}
 * ({@code helm/fipkeeper/values.yaml}, {@code AgentJvmTest} keeps the two equal) and an application class-data archive
 * (AppCDS) of the agent jar, as {@code image/fipkeeper} passes {@code /app/fipkeeper.jsa}.
 *
 * <p>Why it matters: a restarted leader must keep its lease alive before etcd expires it, i.e. within 1–2.5 s of the
 * crash with a 2 s TTL. Without the archive the agent's JVM needs about 1.1–1.4 s from start to the adopted lease on
 * this machine, with it about 0.5 s (docs/chaos.md); a testbed without it measures a slower agent than users run.
 *
 * <p>The archive is made once per jar (its size and mtime, the JVM and the options are the cache key) by a training
 * run like the image build's: the agent, in observe mode (it assigns and binds nothing, and elects under its own
 * prefix) on the testbed's own etcd and simulator, until it has campaigned and served every HTTP path, then SIGTERM;
 * the JVM writes the archive on exit ({@code -XX:ArchiveClassesAtExit}). It is kept next to the jar (under
 * {@code target/}). If it cannot be made or does not load, the agents start without it ({@code -Xshare:auto}) and
 * the log says so.
 */
public final class AgentJvm {
  /** The chart's {@code jvmOptions} (helm/fipkeeper/values.yaml), also the image's JAVA_TOOL_OPTIONS. */
  public static final List<String> CHART_OPTIONS = List.of("-Xms8m", "-Xmx32m", "-Xmn1m",
      "-XX:MaxHeapFreeRatio=20", "-XX:MinHeapFreeRatio=5", "-XX:+UseSerialGC", "-Xss512k", "-XX:TieredStopAtLevel=1",
      "-XX:CICompilerCount=1", "-XX:CompileThresholdScaling=2", "-XX:ReservedCodeCacheSize=16m", "-XX:MaxMetaspaceSize=64m", "-Xshare:auto", "-XX:+ExitOnOutOfMemoryError");

  /** Set to {@code off} to run the testbed's agents without the archive (to measure what it buys). */
  public static final String APPCDS_PROPERTY = "fipkeeper.testbed.appcds";

  private static final Duration TRAINING_TIMEOUT = Duration.ofSeconds(60);

  private AgentJvm() {}

  /** The file the archive of {@code jar} is cached in, and the file holding the key it was made for. */
  static Path archiveOf(Path jar) {
    return jar.resolveSibling(jar.getFileName() + ".testbed.jsa");
  }

  /** What the archive must match: the jar (size, mtime), this JVM and the options. */
  static String cacheKey(Path jar) throws IOException {
    String text = String.join("\n", jar.toAbsolutePath().toString(), Long.toString(Files.size(jar)),
        Files.getLastModifiedTime(jar).toString(), System.getProperty("java.vm.version"),
        String.join(" ", CHART_OPTIONS));
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The JVM arguments that start the agent jar: the archive flag when there is a usable archive (made now if
   * needed by {@code trainer}), then {@code -jar <jar>}. Never fails: without an archive the agent starts without one.
   *
   * @param trainer runs the agent once with the given JVM arguments (the archive flag and {@code -jar <jar>}) until it
   *     has campaigned and served its HTTP paths, then stops it with SIGTERM; throws if it cannot
   */
  public static List<String> launch(Path jar, java.util.function.Consumer<List<String>> trainer) {
    List<String> plain = List.of("-jar", jar.toString());
    if ("off".equals(System.getProperty(APPCDS_PROPERTY))) {
      say("AppCDS off (-D" + APPCDS_PROPERTY + "=off): agents start without a class-data archive");
      return plain;
    }
    Path archive = archiveOf(jar);
    Path keyFile = archive.resolveSibling(archive.getFileName() + ".key");
    try {
      String key = cacheKey(jar);
      boolean cached = Files.isRegularFile(archive) && Files.isRegularFile(keyFile)
          && Files.readString(keyFile).strip().equals(key);
      if (!cached) {
        Path fresh = archive.resolveSibling(archive.getFileName() + ".new");
        Files.deleteIfExists(fresh);
        long t0 = System.nanoTime();
        trainer.accept(List.of("-XX:ArchiveClassesAtExit=" + fresh, "-jar", jar.toString()));
        if (!Files.isRegularFile(fresh) || Files.size(fresh) == 0) {
          throw new TestbedException("the training run wrote no archive");
        }
        Files.move(fresh, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.writeString(keyFile, key + "\n");
        say("AppCDS archive made for " + jar.getFileName() + " in " + (System.nanoTime() - t0) / 1_000_000 + " ms: "
            + archive + " (" + Files.size(archive) / (1024 * 1024) + " MiB)");
      }
      List<String> withArchive = List.of("-XX:SharedArchiveFile=" + archive, "-jar", jar.toString());
      Optional<String> refused = refused(withArchive);
      if (refused.isPresent()) {
        say("AppCDS archive " + archive + " does not load (" + refused.get() + "): agents start without it");
        Files.deleteIfExists(keyFile);
        return plain;
      }
      if (cached) {
        say("AppCDS archive " + archive + " (cached)");
      }
      return withArchive;
    } catch (IOException | RuntimeException e) {
      say("AppCDS archive for " + jar + " could not be made (" + e.getMessage() + "): agents start without it "
          + "(slower: a restarted leader may lose its lease)");
      return plain;
    }
  }

  /** Empty when the JVM maps the archive ({@code -Xshare:on} fails otherwise), else why not. */
  static Optional<String> refused(List<String> launch) {
    List<String> argv = new ArrayList<>();
    argv.add(JavaCommand.java());
    CHART_OPTIONS.stream().filter(o -> !o.startsWith("-Xshare")).forEach(argv::add);
    argv.add("-Xshare:on");
    argv.addAll(launch);
    argv.add("version");
    try {
      Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return Optional.of("java -Xshare:on did not finish");
      }
      return p.exitValue() == 0 ? Optional.empty() : Optional.of(out.strip().replaceAll("\\s+", " "));
    } catch (IOException e) {
      return Optional.of(e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted");
    }
  }

  /** A training run's config changes: observe mode (assigns and binds nothing, its own election prefix). */
  public static Map<String, String> trainingSettings(Map<String, String> settings) {
    Map<String, String> out = new java.util.TreeMap<>(settings);
    out.put("mode", "observe");
    return out;
  }

  /** How long a training run may take. */
  public static Duration trainingTimeout() {
    return TRAINING_TIMEOUT;
  }

  private static void say(String line) {
    System.err.println("testbed: " + line);
  }
}
