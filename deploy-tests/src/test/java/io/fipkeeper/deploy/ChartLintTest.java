package io.fipkeeper.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `helm lint` through helm-java (which has no --set for lint, hence the copy with the required values filled in). */
class ChartLintTest {

  @Test
  void lintsWithoutErrorsOrWarningsOnceTheRequiredValuesAreSet(@TempDir Path dir) throws IOException {
    Path chart = copyChart(dir);
    Path values = chart.resolve("values.yaml");
    String text = Files.readString(values);
    assertThat(text).contains("floatingIp: {}").contains("  token: \"\"");
    Files.writeString(values, text
        .replace("floatingIp: {}", "floatingIp:\n  name: k8s-api")
        .replace("  token: \"\"", "  token: lint-token"));

    LintResult result = new Helm(chart).lint().strict().call();

    assertThat(result.isFailed()).as("lint messages: %s", result.getMessages()).isFalse();
    assertThat(result.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
  }

  @Test
  void lintOfTheChartAsShippedNamesTheRequiredValues() {
    LintResult result = new Helm(RepoPaths.chart()).lint().call();

    assertThat(result.isFailed()).isTrue();
    assertThat(String.join("\n", result.getMessages())).contains("floatingIp").contains("hcloud");
  }

  private static Path copyChart(Path dir) throws IOException {
    Path source = RepoPaths.chart();
    Path target = dir.resolve("fipkeeper");
    try (Stream<Path> files = Files.walk(source)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Path copy = target.resolve(source.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(copy);
        } else {
          Files.copy(file, copy);
        }
      }
    }
    return target;
  }
}
