package io.fipkeeper.bench.perf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The agent JVM flags the benchmark runs with. They are appended after the testbed's own (the chart's,
 * {@code AgentJvm.CHART_OPTIONS}), and the JVM takes the last value of a repeated flag, so these win.
 * Measured on the testbed (2 trials + 45-60 s steady state per variant): the resident set is dominated by class
 * metadata (about 7,500 classes: ~35 MiB metaspace + 8 MiB symbols, or the same bytes as AppCDS archive pages),
 * not by the heap: -Xms8m -Xmx32m instead of -Xms16m -Xmx48m, MALLOC_ARENA_MAX=2, -Xss256k and a smaller code
 * cache each moved VmRSS by 0-5 MiB. -Xms matters on big hosts only: without it the initial heap is 1/64 of RAM,
 * capped at -Xmx, and serial GC then cycles through a 16 MiB young generation (+10 MiB RSS). Serial GC has no
 * helper threads, C1 only (TieredStopAtLevel=1, one compiler thread) keeps the code cache small and does not
 * slow the I/O-bound failover path. The AppCDS archive is added by the benchmark itself: it cuts start-to-ready
 * from ~1.8 s to ~0.8 s and leaves RSS where it was.
 *
 * <p>Later, measured by hand on one agent after logging lost its XML configuration (about 4 MiB less) and the agent
 * switched Netty to its unpooled allocator: these flags plus AppCDS and MALLOC_ARENA_MAX=1 gave 95 MiB VmRSS against
 * 107 MiB for the flags before; the heap flags shave the last few MiB that decide the 96 MiB target.
 *
 * <p>Then, on the image's own JVM (scripts/image-memory.sh, leader and standby, 3 rounds; docs/deployment.md has the
 * table): a 1 MiB young generation (-Xmn1m: the eden of a growing heap stays resident, ~4 MiB) and
 * -XX:CompileThresholdScaling=2 (C1 compiles only methods twice as hot: ~2 MiB less code cache, start-to-ready
 * unchanged) took the image from ~100 to ~94 MiB. MALLOC_ARENA_MAX=2 instead of 1, -Xss256k instead of 512k,
 * -XX:TrimNativeHeapInterval and less C1 inlining moved it by less than 1 MiB.
 */
final class JvmFlags {
  static final String DEFAULT = "-Xms8m -Xmx32m -Xmn1m -XX:MaxHeapFreeRatio=20 -XX:MinHeapFreeRatio=5"
      + " -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:CompileThresholdScaling=2 -Xss256k"
      + " -XX:MaxMetaspaceSize=64m -XX:ReservedCodeCacheSize=16m";

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
