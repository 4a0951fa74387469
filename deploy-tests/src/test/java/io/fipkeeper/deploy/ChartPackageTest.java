package io.fipkeeper.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code helm package}, as the release workflow runs it before {@code helm push}: the archive holds the chart with its
 * schema, templates and alert rules, and no editor or backup files (.helmignore).
 */
class ChartPackageTest {

  @Test
  void packagesTheChartWithItsSchemaTemplatesAndAlertRules(@TempDir Path dir) throws IOException {
    new Helm(RepoPaths.chart()).packageIt().withDestination(dir).call();

    Path archive;
    try (var files = Files.list(dir)) {
      archive = files.filter(p -> p.toString().endsWith(".tgz")).findFirst().orElseThrow();
    }
    String version = RenderedChart.YAML.readTree(RepoPaths.chart().resolve("Chart.yaml").toFile()).path("version").asText();
    assertThat(archive.getFileName()).hasToString("fipkeeper-" + version + ".tgz");
    assertThat(entries(archive)).contains(
        "fipkeeper/Chart.yaml", "fipkeeper/values.yaml", "fipkeeper/values.schema.json",
        "fipkeeper/templates/daemonset.yaml", "fipkeeper/templates/configmap.yaml", "fipkeeper/files/alerts.yaml",
        "fipkeeper/README.md")
        .allMatch(e -> e.startsWith("fipkeeper/"))
        .noneMatch(e -> e.endsWith("~") || e.endsWith(".bak") || e.endsWith(".swp") || e.contains("/.idea/"));
  }

  /** Names in a gzipped tar (the ustar header: name in bytes 0-99, size in octal at 124-135). */
  private static List<String> entries(Path tgz) throws IOException {
    List<String> names = new ArrayList<>();
    try (InputStream in = new GZIPInputStream(Files.newInputStream(tgz))) {
      byte[] header = new byte[512];
      while (in.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
        String name = new String(header, 0, 100, java.nio.charset.StandardCharsets.US_ASCII).replace("\0", "");
        long size = Long.parseLong(new String(header, 124, 11, java.nio.charset.StandardCharsets.US_ASCII).trim(), 8);
        names.add(name);
        in.skipNBytes((size + 511) / 512 * 512);
      }
    }
    return names;
  }
}
