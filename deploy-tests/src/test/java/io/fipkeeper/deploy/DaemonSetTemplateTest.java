package io.fipkeeper.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The agent's DaemonSet as rendered from the minimal values. */
class DaemonSetTemplateTest {
  private static RenderedChart chart;
  private static JsonNode podSpec;
  private static JsonNode container;

  @BeforeAll
  static void render() {
    chart = RenderedChart.render(ValueSets.MINIMAL);
    podSpec = chart.single("DaemonSet").path("spec").path("template").path("spec");
    container = chart.agentContainer();
  }

  @Test
  void rendersTheExpectedObjectsAndNothingForPrometheusOperatorByDefault() {
    assertThat(chart.kinds()).containsExactly("ConfigMap", "DaemonSet", "Secret", "Service", "ServiceAccount");
  }

  @Test
  void runsOnlyOnControlPlaneNodes() {
    assertThat(podSpec.path("nodeSelector").size()).isEqualTo(1);
    assertThat(podSpec.path("nodeSelector").path("node-role.kubernetes.io/control-plane").isTextual()).isTrue();
    assertThat(podSpec.path("nodeSelector").path("node-role.kubernetes.io/control-plane").asText()).isEmpty();
  }

  @Test
  void toleratesTheControlPlaneTaintAndStaysOnUnreachableNodes() {
    List<String> tolerations = new ArrayList<>();
    podSpec.path("tolerations").forEach(t ->
        tolerations.add(t.path("key").asText() + "/" + t.path("operator").asText() + "/" + t.path("effect").asText()));

    assertThat(tolerations).contains(
        "node-role.kubernetes.io/control-plane/Exists/NoSchedule",
        "node.kubernetes.io/unreachable/Exists/NoExecute",
        "node.kubernetes.io/not-ready/Exists/NoExecute");
  }

  @Test
  void usesTheHostNetworkWithClusterDnsFallback() {
    assertThat(podSpec.path("hostNetwork").asBoolean()).isTrue();
    assertThat(podSpec.path("dnsPolicy").asText()).isEqualTo("ClusterFirstWithHostNet");
  }

  @Test
  void dropsEveryCapabilityButNetAdminAndCannotEscalate() {
    JsonNode security = container.path("securityContext");

    assertThat(texts(security.path("capabilities").path("drop"))).containsExactly("ALL");
    assertThat(texts(security.path("capabilities").path("add"))).containsExactly("NET_ADMIN");
    assertThat(security.path("privileged").asBoolean(true)).isFalse();
    assertThat(security.path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
    assertThat(security.path("readOnlyRootFilesystem").asBoolean()).isTrue();
    assertThat(security.path("seccompProfile").path("type").asText()).isEqualTo("RuntimeDefault");
    assertThat(podSpec.path("securityContext").path("seccompProfile").path("type").asText()).isEqualTo("RuntimeDefault");
    // CAP_NET_ADMIN only becomes effective for uid 0 (see docs/deployment.md)
    assertThat(security.path("runAsUser").asInt(-1)).isZero();
  }

  @Test
  void inObserveModeTheAgentGetsNoCapabilityAtAllAndItsPodsRollWhenTheModeChanges() {
    RenderedChart observe = RenderedChart.render(ValueSets.MINIMAL + "mode: observe\n");
    JsonNode security = observe.agentContainer().path("securityContext");
    String checksum = "/spec/template/metadata/annotations/checksum~1config";

    assertThat(texts(security.path("capabilities").path("drop"))).containsExactly("ALL");
    assertThat(security.path("capabilities").has("add")).as("reading addresses needs no NET_ADMIN").isFalse();
    assertThat(observe.single("DaemonSet").at(checksum).asText())
        .isNotEmpty()
        .isNotEqualTo(RenderedChart.render(ValueSets.MINIMAL).single("DaemonSet").at(checksum).asText());
  }

  @Test
  void writesOnlyToAnInMemoryTmp() {
    JsonNode tmpMount = byName(container.path("volumeMounts"), "tmp");
    JsonNode tmpVolume = byName(podSpec.path("volumes"), "tmp");

    assertThat(tmpMount.path("mountPath").asText()).isEqualTo("/tmp");
    assertThat(tmpVolume.has("emptyDir")).isTrue();
    StreamSupport.stream(container.path("volumeMounts").spliterator(), false)
        .filter(m -> !m.path("name").asText().equals("tmp"))
        .forEach(m -> assertThat(m.path("readOnly").asBoolean()).as("mount %s", m.path("name")).isTrue());
  }

  @Test
  void probesHealthzForLivenessAndReadyzForReadinessOnTheHttpPort() {
    JsonNode port = byName(container.path("ports"), "http");

    assertThat(port.path("containerPort").asInt()).isEqualTo(9847);
    assertThat(container.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/healthz");
    assertThat(container.path("livenessProbe").path("httpGet").path("port").asText()).isEqualTo("http");
    assertThat(container.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/readyz");
    assertThat(container.path("readinessProbe").path("httpGet").path("port").asText()).isEqualTo("http");
    assertThat(chart.agentConfig().path("http").path("listen").asText()).endsWith(":9847");
  }

  @Test
  void isSystemNodeCriticalAndRollsOneNodeAtATime() {
    JsonNode strategy = chart.single("DaemonSet").path("spec").path("updateStrategy");

    assertThat(podSpec.path("priorityClassName").asText()).isEqualTo("system-node-critical");
    assertThat(strategy.path("type").asText()).isEqualTo("RollingUpdate");
    assertThat(strategy.path("rollingUpdate").path("maxUnavailable").asInt()).isEqualTo(1);
  }

  @Test
  void givesTheGracefulHandoverMoreTimeThanTheHandoverTimeout() {
    Duration handover = Durations.parse(chart.agentConfig().path("handoverTimeout").asText());
    long grace = podSpec.path("terminationGracePeriodSeconds").asLong();

    assertThat(grace).isEqualTo(30);
    // resign and revoke each get their own short timeout on top of the handover window
    assertThat(Duration.ofSeconds(grace)).isGreaterThan(handover.multipliedBy(2));
  }

  @Test
  void takesTheNodeNameFromTheDownwardApiAndJvmFlagsFromJavaToolOptions() {
    JsonNode nodeName = byName(container.path("env"), "NODE_NAME");
    JsonNode jvm = byName(container.path("env"), "JAVA_TOOL_OPTIONS");

    assertThat(nodeName.path("valueFrom").path("fieldRef").path("fieldPath").asText()).isEqualTo("spec.nodeName");
    assertThat(jvm.path("value").asText())
        .contains("-XX:+UseSerialGC", "-Xss512k", "-Xmx32m", "-Xmn1m", "-XX:+ExitOnOutOfMemoryError");
  }

  @Test
  void requestsTheMeasuredMemoryAndLimitsItWithHeadroom() {
    JsonNode resources = container.path("resources");

    assertThat(resources.path("requests").path("memory").asText()).isEqualTo("112Mi");
    assertThat(resources.path("requests").path("cpu").asText()).isEqualTo("20m");
    assertThat(resources.path("limits").path("memory").asText()).isEqualTo("192Mi");
  }

  @Test
  void runsTheAgentWithTheMountedConfigFile() {
    JsonNode configMount = byName(container.path("volumeMounts"), "config");
    JsonNode configVolume = byName(podSpec.path("volumes"), "config");
    List<String> args = texts(container.path("args"));

    assertThat(args).containsExactly("run", "--config", configMount.path("mountPath").asText() + "/config.yaml");
    assertThat(configVolume.path("configMap").path("name").asText())
        .isEqualTo(chart.single("ConfigMap").path("metadata").path("name").asText());
  }

  @Test
  void neverPutsTheTokenIntoThePodSpec() {
    assertThat(chart.single("DaemonSet").toString()).doesNotContain("test-token-value");
    assertThat(texts(container.path("env").findValues("name"))).doesNotContain("HCLOUD_TOKEN");
  }

  @Test
  void rollsThePodsWhenTheRenderedConfigChanges() {
    String before = checksum(chart);
    String after = checksum(RenderedChart.render(ValueSets.MINIMAL + "etcd:\n  leaseTtl: 3\n"));

    assertThat(after).isNotBlank().isNotEqualTo(before);
  }

  private static String checksum(RenderedChart rendered) {
    return rendered.single("DaemonSet").path("spec").path("template").path("metadata").path("annotations")
        .path("checksum/config").asText();
  }

  static JsonNode byName(JsonNode list, String name) {
    for (JsonNode item : list) {
      if (name.equals(item.path("name").asText())) {
        return item;
      }
    }
    throw new AssertionError("no item named " + name + " in " + list);
  }

  static List<String> texts(Iterable<JsonNode> nodes) {
    List<String> out = new ArrayList<>();
    nodes.forEach(n -> out.add(n.asText()));
    return out;
  }
}
