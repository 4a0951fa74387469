package io.fipkeeper.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** docs/grafana/fipkeeper-dashboard.json is valid JSON whose queries use only the agent's metrics. */
class GrafanaDashboardTest {
  private static JsonNode dashboard;
  private static List<JsonNode> panels;

  @BeforeAll
  static void load() throws IOException {
    dashboard = new ObjectMapper().readTree(RepoPaths.docs("grafana/fipkeeper-dashboard.json").toFile());
    panels = new ArrayList<>();
    collect(dashboard.path("panels"), panels);
  }

  @Test
  void everyQueryReferencesOnlyTheAgentsMetricNames() {
    int queries = 0;
    for (JsonNode panel : panels) {
      for (JsonNode target : panel.path("targets")) {
        String expr = target.path("expr").asText();
        Set<String> used = MetricNames.referencedIn(expr);
        assertThat(used).as("panel '%s': %s", panel.path("title").asText(), expr).isNotEmpty().isSubsetOf(MetricNames.AGENT);
        queries++;
      }
    }
    assertThat(queries).isGreaterThanOrEqualTo(10);
  }

  @Test
  void showsHolderFailoversDurationBudgetRequestsAndApiserverHealth() {
    Set<String> used = new HashSet<>();
    panels.forEach(p -> p.path("targets").forEach(t -> used.addAll(MetricNames.referencedIn(t.path("expr").asText()))));

    assertThat(used).contains(
        "fipkeeper_leader", "fipkeeper_leader_transitions_total", "fipkeeper_failover_duration_seconds",
        "fipkeeper_hcloud_ratelimit_remaining", "fipkeeper_hcloud_ratelimit_limit",
        "fipkeeper_hcloud_requests_total", "fipkeeper_apiserver_healthy");
    assertThat(panels).anySatisfy(p -> assertThat(p.toString()).contains("histogram_quantile(0.99"));
  }

  @Test
  void panelsHaveUniqueIdsAndTitlesAndUseTheDatasourceVariable() {
    Set<Integer> ids = new HashSet<>();
    Set<String> titles = new HashSet<>();
    for (JsonNode panel : panels) {
      assertThat(ids.add(panel.path("id").asInt())).as("duplicate id %s", panel.path("id")).isTrue();
      assertThat(titles.add(panel.path("title").asText())).as("duplicate title %s", panel.path("title")).isTrue();
      if (!"row".equals(panel.path("type").asText())) {
        assertThat(panel.path("datasource").path("uid").asText()).as(panel.path("title").asText()).isEqualTo("${datasource}");
      }
    }
    assertThat(dashboard.path("templating").path("list").findValuesAsText("name")).contains("datasource", "floating_ip");
  }

  private static void collect(JsonNode list, List<JsonNode> out) {
    for (JsonNode panel : list) {
      out.add(panel);
      collect(panel.path("panels"), out);
    }
  }
}
