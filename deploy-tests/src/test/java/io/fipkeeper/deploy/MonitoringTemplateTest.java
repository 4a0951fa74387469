package io.fipkeeper.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Service, ServiceMonitor/PodMonitor and the PrometheusRule built from files/alerts.yaml. */
class MonitoringTemplateTest {
  private static final String RUNBOOK = "https://git.example.com/platform/fipkeeper/docs/runbook.md";

  @Test
  void exposesEveryAgentThroughAHeadlessServiceOnTheHttpPort() {
    JsonNode service = RenderedChart.render(ValueSets.MINIMAL).single("Service");

    assertThat(service.path("spec").path("clusterIP").asText()).isEqualTo("None");
    assertThat(service.path("spec").path("ports").get(0).path("port").asInt()).isEqualTo(9847);
    assertThat(service.path("spec").path("ports").get(0).path("name").asText()).isEqualTo("http");
  }

  @Test
  void serviceMonitorScrapesMetricsOnTheHttpPortAsJobFipkeeper() {
    RenderedChart chart = RenderedChart.render(ValueSets.MONITORING);
    JsonNode monitor = chart.single("ServiceMonitor");
    JsonNode endpoint = monitor.path("spec").path("endpoints").get(0);

    assertThat(monitor.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
    assertThat(monitor.path("metadata").path("labels").path("release").asText()).isEqualTo("kube-prometheus-stack");
    assertThat(endpoint.path("port").asText()).isEqualTo("http");
    assertThat(endpoint.path("path").asText()).isEqualTo("/metrics");
    assertThat(endpoint.path("relabelings").get(0).path("targetLabel").asText()).isEqualTo("job");
    assertThat(endpoint.path("relabelings").get(0).path("replacement").asText()).isEqualTo("fipkeeper");
    assertThat(monitor.path("spec").path("selector").path("matchLabels"))
        .isEqualTo(chart.single("Service").path("spec").path("selector"));
    assertThat(chart.all("PodMonitor")).isEmpty();
  }

  @Test
  void podMonitorIsTheAlternativeForClustersWithoutTheService() {
    RenderedChart chart = RenderedChart.render(ValueSets.POD_MONITOR);
    JsonNode endpoint = chart.single("PodMonitor").path("spec").path("podMetricsEndpoints").get(0);

    assertThat(endpoint.path("port").asText()).isEqualTo("http");
    assertThat(endpoint.path("relabelings").get(0).path("replacement").asText()).isEqualTo("fipkeeper");
    assertThat(chart.all("ServiceMonitor")).isEmpty();
    assertThat(chart.all("PrometheusRule")).isEmpty();
  }

  @Test
  void prometheusRuleCarriesTheRulesOfThePromtoolCheckedFile() throws IOException {
    JsonNode rendered = RenderedChart.render(ValueSets.MONITORING).single("PrometheusRule").path("spec").path("groups");
    JsonNode file = RenderedChart.YAML.readTree(RepoPaths.alertRules().toFile()).path("groups");

    assertThat(names(rendered)).isNotEmpty().isEqualTo(names(file));
    for (int g = 0; g < file.size(); g++) {
      for (int r = 0; r < file.get(g).path("rules").size(); r++) {
        JsonNode expected = file.get(g).path("rules").get(r);
        JsonNode actual = rendered.get(g).path("rules").get(r);
        assertThat(actual.path("expr").asText()).isEqualTo(expected.path("expr").asText());
        assertThat(actual.path("for")).isEqualTo(expected.path("for"));
        assertThat(actual.path("labels")).isEqualTo(expected.path("labels"));
        assertThat(actual.path("annotations").path("description"))
            .isEqualTo(expected.path("annotations").path("description"));
      }
    }
  }

  @Test
  void everyAlertHasSeveritySummaryDescriptionAndAnExistingRunbookAnchor() {
    JsonNode groups = RenderedChart.render(ValueSets.MONITORING).single("PrometheusRule").path("spec").path("groups");
    Set<String> anchors = Runbook.anchors();
    int alerts = 0;

    for (JsonNode group : groups) {
      for (JsonNode rule : group.path("rules")) {
        String name = rule.path("alert").asText();
        JsonNode annotations = rule.path("annotations");
        assertThat(rule.path("labels").path("severity").asText()).as(name).isIn("critical", "warning");
        assertThat(annotations.path("summary").asText()).as(name).isNotBlank();
        assertThat(annotations.path("description").asText()).as(name).isNotBlank();
        String url = annotations.path("runbook_url").asText();
        assertThat(url).as(name).isEqualTo(RUNBOOK + "#" + name.toLowerCase(java.util.Locale.ROOT));
        assertThat(anchors).as("docs/runbook.md anchors").contains(url.substring(url.indexOf('#') + 1));
        alerts++;
      }
    }
    assertThat(alerts).isGreaterThanOrEqualTo(8);
  }

  @Test
  void alertsCoverWhatAnSrePagesOn() {
    JsonNode groups = RenderedChart.render(ValueSets.MONITORING).single("PrometheusRule").path("spec").path("groups");
    List<String> alerts = new ArrayList<>();
    List<String> critical = new ArrayList<>();
    for (JsonNode group : groups) {
      for (JsonNode rule : group.path("rules")) {
        alerts.add(rule.path("alert").asText());
        if ("critical".equals(rule.path("labels").path("severity").asText())) {
          critical.add(rule.path("alert").asText());
        }
      }
    }

    assertThat(alerts).contains(
        "FipkeeperNoLeader", "FipkeeperSplitBrain", "FipkeeperFloatingIpNotOnLeader",
        "FipkeeperAddressBoundWithoutLeadership", "FipkeeperFailoverChurn", "FipkeeperHcloudRateLimitLow",
        "FipkeeperApiserverUnhealthyOnHolder", "FipkeeperAgentDown", "FipkeeperAbsent");
    assertThat(critical).contains("FipkeeperNoLeader", "FipkeeperSplitBrain", "FipkeeperApiserverUnhealthyOnHolder");
  }

  @Test
  void alertExpressionsUseOnlyTheAgentsMetrics() throws IOException {
    JsonNode groups = RenderedChart.YAML.readTree(RepoPaths.alertRules().toFile()).path("groups");
    for (JsonNode group : groups) {
      for (JsonNode rule : group.path("rules")) {
        assertThat(MetricNames.referencedIn(rule.path("expr").asText()))
            .as(rule.path("alert").asText())
            .isSubsetOf(MetricNames.AGENT);
      }
    }
  }

  private static List<String> names(JsonNode groups) {
    List<String> out = new ArrayList<>();
    for (JsonNode group : groups) {
      for (JsonNode rule : group.path("rules")) {
        out.add(group.path("name").asText() + "/" + rule.path("alert").asText());
      }
    }
    return out;
  }
}
