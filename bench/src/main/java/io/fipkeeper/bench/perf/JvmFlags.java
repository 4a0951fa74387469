package io.fipkeeper.bench.perf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The agent JVM flags the benchmark runs with. They are appended after the testbed's own
 * {@code -Xmx64m -XX:+UseSerialGC}, and the JVM takes the last value of a repeated flag, so these win.
 * The defaults keep the footprint small without slowing failover: a 48 MiB heap is several times the live set,
 * serial GC has no helper threads, C1 only (TieredStopAtLevel=1) keeps the code cache and compiler threads
 * small and the hot path is I/O-bound anyway, and 512 KiB stacks suit the few dozen threads (Netty, gRPC).
 */
final class JvmFlags {
  static final String DEFAULT = "-Xmx48m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k"
      + " -XX:MaxMetaspaceSize=64m -XX:ReservedCodeCacheSize=32m";

  private JvmFlags() {}

  static List<String> split(String flags) {
    return flags.isBlank() ? List.of() : Arrays.stream(flags.trim().split("\\s+")).toList();
  }

  /** JVM arguments for {@code Testbed.Builder.agentLaunch}: the flags, then {@code -jar <jar>}. */
  static List<String> launch(String flags, String... extra) {
    List<String> argv = new ArrayList<>(split(flags));
    argv.addAll(List.of(extra));
    return argv;
  }
}
