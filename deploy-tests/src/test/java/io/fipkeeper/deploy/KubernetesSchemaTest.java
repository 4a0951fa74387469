package io.fipkeeper.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every object the chart renders, for every values file an operator would write, passes the Kubernetes API schema
 * and the Prometheus Operator's types ({@link KubernetesSchemas}); and the validation itself rejects what the API
 * server rejects, so a pass means something.
 */
class KubernetesSchemaTest {

  static Stream<Arguments> valueSets() {
    return Stream.of(
        Arguments.of("minimal", ValueSets.MINIMAL),
        Arguments.of("existing secrets and etcd mTLS", ValueSets.EXISTING_SECRET),
        Arguments.of("selector and cluster CA", ValueSets.SELECTOR),
        Arguments.of("ServiceMonitor and PrometheusRule", ValueSets.MONITORING),
        Arguments.of("PodMonitor", ValueSets.POD_MONITOR),
        Arguments.of("IPv6", ValueSets.IPV6),
        Arguments.of("labels and annotations everywhere", ValueSets.MONITORING + """
            podAnnotations: {"example.com/owner": platform, "example.com/enabled": "true"}
            podLabels: {team: platform, tier: "1"}
            serviceAccount:
              annotations: {"example.com/audited": "yes"}
            """));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void everyRenderedObjectPassesTheApiSchema(String why, String values) {
    List<JsonNode> objects = RenderedChart.render(values).objects();
    List<String> problems = new ArrayList<>();
    objects.forEach(o -> problems.addAll(KubernetesSchemas.problems(o)));

    assertThat(objects).isNotEmpty();
    assertThat(problems).as(why).isEmpty();
  }

  @Test
  void theCoreSchemaRejectsAnUnknownFieldAndAMissingRequiredOne() {
    JsonNode daemonSet = RenderedChart.render(ValueSets.MINIMAL).single("DaemonSet");
    ObjectNode typo = daemonSet.deepCopy();
    ((ObjectNode) typo.path("spec").path("template").path("spec").path("containers").get(0)).put("imagePullPolcy", "Always");
    ObjectNode noSelector = daemonSet.deepCopy();
    ((ObjectNode) noSelector.path("spec")).remove("selector");

    assertThat(KubernetesSchemas.problems(typo)).singleElement().asString().contains("imagePullPolcy");
    assertThat(KubernetesSchemas.problems(noSelector)).singleElement().asString().contains("selector");
  }

  @Test
  void thePrometheusOperatorTypesRejectAnUnknownField() {
    JsonNode monitor = RenderedChart.render(ValueSets.MONITORING).single("ServiceMonitor");
    ObjectNode typo = monitor.deepCopy();
    ((ObjectNode) typo.path("spec").path("endpoints").get(0)).put("scrapeTimout", "10s");
    JsonNode rule = RenderedChart.render(ValueSets.MONITORING).single("PrometheusRule");
    ObjectNode ruleTypo = rule.deepCopy();
    ((ObjectNode) ruleTypo.path("spec").path("groups").get(0).path("rules").get(0)).put("fore", "5m");

    assertThat(KubernetesSchemas.problems(typo)).singleElement().asString()
        .contains("spec.endpoints[0].scrapeTimout: unknown field");
    assertThat(KubernetesSchemas.problems(ruleTypo)).singleElement().asString()
        .contains("spec.groups[0].rules[0].fore: unknown field");
  }

  @Test
  void aLabelValueThatIsNotAStringIsRejected() {
    ObjectNode service = RenderedChart.render(ValueSets.MINIMAL).single("Service").deepCopy();
    ((ObjectNode) service.path("metadata").path("labels")).put("x", true);

    assertThat(KubernetesSchemas.problems(service)).singleElement().asString()
        .contains("metadata.labels.x: must be a string, got boolean true");
  }

  @Test
  void quotedLabelAndAnnotationValuesRenderAsStrings() {
    RenderedChart chart = RenderedChart.render(ValueSets.MINIMAL + """
        podAnnotations: {x: "y", enabled: "true"}
        podLabels: {tier: "1"}
        """);
    JsonNode meta = chart.single("DaemonSet").path("spec").path("template").path("metadata");

    assertThat(meta.path("annotations").path("x").isTextual()).isTrue();
    assertThat(meta.path("annotations").path("enabled").asText()).isEqualTo("true");
    assertThat(meta.path("annotations").path("enabled").isTextual()).isTrue();
    assertThat(meta.path("labels").path("tier").isTextual()).isTrue();
  }
}
