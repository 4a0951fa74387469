package io.fipkeeper.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.fipkeeper.leader.State;
import io.fipkeeper.metrics.AgentMetrics;
import io.fipkeeper.metrics.PrometheusText;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Keeps docs/observability.md and the code in step: every path, status field and fipkeeper metric is documented. */
class ObservabilityDocTest {
  private static final Pattern DOCUMENTED_METRIC = Pattern.compile("^\\| `(fipkeeper_[a-z0-9_]+)` \\|", Pattern.MULTILINE);

  private static String doc;
  private static AgentMetrics metrics;

  @BeforeAll
  static void read() throws Exception {
    Path moduleDir = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    doc = Files.readString(moduleDir.resolveSibling("docs").resolve("observability.md"));
    metrics = new AgentMetrics("cp-1", "203.0.113.7", "1.0.0");
    // Counters with tags exist only after their first use.
    metrics.recordTransition(State.STANDBY, State.CAMPAIGNING);
    metrics.hcloudResponse("assign", "201");
  }

  @AfterAll
  static void close() {
    metrics.close();
  }

  @Test
  void documentsEveryHttpPath() {
    for (String path : Routes.PATHS) {
      assertThat(doc.contains("| `" + path + "` |")).as("%s in the path table", path).isTrue();
      assertThat(Pattern.compile("(?m)^### .*`" + path + "`").matcher(doc).find())
          .as("a section heading names %s", path).isTrue();
    }
  }

  @Test
  void documentsEveryStatusField() {
    for (String field : StatusJson.FIELDS) {
      assertThat(doc.contains("| `" + field + "` |")).as("status field %s in the table", field).isTrue();
    }
  }

  @Test
  void documentsExactlyTheFipkeeperMetricsThatAreExported() {
    Set<String> exported = new PrometheusText(metrics.scrape()).types().keySet().stream()
        .filter(name -> name.startsWith("fipkeeper_"))
        .collect(Collectors.toCollection(TreeSet::new));
    Set<String> documented = new TreeSet<>();
    Matcher m = DOCUMENTED_METRIC.matcher(doc);
    while (m.find()) {
      documented.add(m.group(1));
    }

    assertThat(documented).containsExactlyElementsOf(exported);
  }

  @Test
  void givesAPromqlExampleForEveryFipkeeperMetric() {
    String examples = doc.substring(doc.indexOf("Example PromQL"));
    Set<String> exported = new PrometheusText(metrics.scrape()).types().keySet();
    for (String name : exported) {
      if (name.startsWith("fipkeeper_")) {
        assertThat(Pattern.compile("\\| `" + name + "` \\| `[^`]*" + name).matcher(examples).find())
            .as("a PromQL example row for %s", name).isTrue();
      }
    }
  }
}
