package io.fipkeeper.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The testbed runs agents as the chart does, with an AppCDS archive when one can be made, without one otherwise. */
class AgentJvmTest {

  @Test
  void theTestbedsJvmOptionsAreTheChartsJvmOptions() throws IOException {
    List<String> lines = Files.readAllLines(Path.of("..", "helm", "fipkeeper", "values.yaml"));
    int at = lines.indexOf("jvmOptions: >-");
    assertThat(at).as("jvmOptions in values.yaml").isNotNegative();
    List<String> chart = new ArrayList<>();
    for (int i = at + 1; i < lines.size() && lines.get(i).startsWith("  "); i++) {
      chart.addAll(Arrays.asList(lines.get(i).strip().split("\\s+")));
    }
    assertThat(AgentJvm.CHART_OPTIONS).containsExactlyElementsOf(chart);
  }

  @Test
  void aTrainingRunThatWritesNoArchiveFallsBackToThePlainJar(@TempDir Path dir) throws IOException {
    Path jar = Files.writeString(dir.resolve("agent.jar"), "not really a jar");
    AtomicInteger runs = new AtomicInteger();
    List<String> launch = AgentJvm.launch(jar, argv -> runs.incrementAndGet());
    assertThat(runs).hasValue(1);
    assertThat(launch).containsExactly("-jar", jar.toString());
  }

  @Test
  void aTrainingRunThatFailsFallsBackToThePlainJar(@TempDir Path dir) throws IOException {
    Path jar = Files.writeString(dir.resolve("agent.jar"), "not really a jar");
    List<String> launch = AgentJvm.launch(jar, argv -> {
      throw new TestbedException("etcd did not start");
    });
    assertThat(launch).containsExactly("-jar", jar.toString());
  }

  @Test
  void anArchiveTheJvmRefusesIsNotUsed(@TempDir Path dir) throws IOException {
    Path jar = Files.writeString(dir.resolve("agent.jar"), "not really a jar");
    List<String> launch = AgentJvm.launch(jar, argv -> {
      String flag = argv.get(0);
      assertThat(flag).startsWith("-XX:ArchiveClassesAtExit=");
      try {
        Files.writeString(Path.of(flag.substring(flag.indexOf('=') + 1)), "garbage, not a CDS archive");
      } catch (IOException e) {
        throw new TestbedException(e.getMessage(), e);
      }
    });
    assertThat(launch).containsExactly("-jar", jar.toString());
    assertThat(AgentJvm.archiveOf(jar).resolveSibling(AgentJvm.archiveOf(jar).getFileName() + ".key")).doesNotExist();
  }
}
