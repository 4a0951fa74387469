package io.fipkeeper.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResidentMemoryTest {

  @Test
  void parsesTheVmRssLineInKilobytes() {
    String status = "Name:\tjava\nVmPeak:\t 999 kB\nVmRSS:\t   81234 kB\nThreads:\t12\n";
    assertThat(ResidentMemory.parseVmRssBytes(status)).isEqualTo(81234 * 1024.0);
  }

  @Test
  void answersMinusOneWithoutAVmRssLine() {
    assertThat(ResidentMemory.parseVmRssBytes("Name:\tjava\n")).isEqualTo(-1);
  }

  @Test
  void readsAPlausibleValueForThisJvm() {
    // this JVM runs on Linux in CI: its RSS is certainly above 1 MiB
    assertThat(ResidentMemory.bytes()).isGreaterThan(1024 * 1024);
  }

  @Test
  void isExportedUnderThePrometheusClientName() {
    try (AgentMetrics metrics = new AgentMetrics("cp-1", "203.0.113.10", "test")) {
      assertThat(metrics.scrape()).containsPattern("(?m)^process_resident_memory_bytes\\{[^}]*} [0-9.E]+$");
    }
  }
}
