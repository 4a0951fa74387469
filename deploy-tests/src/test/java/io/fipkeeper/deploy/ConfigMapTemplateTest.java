package io.fipkeeper.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The agent's config.yaml rendered into the ConfigMap, checked against docs/configuration.md (the contract). */
class ConfigMapTemplateTest {
  private static final ConfigReference REFERENCE = ConfigReference.load();

  /** Where the chart deliberately differs from the agent's own default, and why. */
  private static final Map<String, String> CHART_CHOICES = Map.of(
      "hcloud.tokenFile", "the chart mounts the token Secret as a file",
      "log.format", "json logs for cluster log collection",
      "apiserver.insecureSkipVerify", "loopback probe without the cluster CA unless verifyWithClusterCa");

  @Test
  void everyRenderedKeyIsDocumentedInTheConfigurationReference() {
    for (String values : new String[] {ValueSets.MINIMAL, ValueSets.EXISTING_SECRET, ValueSets.SELECTOR, ValueSets.IPV6}) {
      Map<String, JsonNode> leaves = leaves(RenderedChart.render(values).agentConfig());

      assertThat(leaves.keySet()).as("rendered keys for values:\n%s", values).allMatch(REFERENCE::documents);
    }
  }

  @Test
  void rendersTheDocumentedDefaultsExceptWhereTheChartDeliberatelyDiffers() {
    Map<String, JsonNode> leaves = leaves(RenderedChart.render(ValueSets.MINIMAL).agentConfig());
    int compared = 0;

    for (Map.Entry<String, JsonNode> leaf : leaves.entrySet()) {
      Optional<String> documented = REFERENCE.defaultOf(leaf.getKey());
      if (documented.isEmpty() || CHART_CHOICES.containsKey(leaf.getKey()) || leaf.getValue().isArray()) {
        continue;
      }
      assertThat(leaf.getValue().asText()).as("rendered %s", leaf.getKey()).isEqualTo(documented.get());
      compared++;
    }
    assertThat(compared).as("keys compared with their documented default").isGreaterThanOrEqualTo(15);
    assertThat(RenderedChart.render(ValueSets.MINIMAL).agentConfig().path("etcd").path("endpoints").get(0).asText())
        .isEqualTo(REFERENCE.defaultOf("etcd.endpoints").orElseThrow());
  }

  @Test
  void pointsTheTokenFileIntoTheMountedSecret() {
    RenderedChart chart = RenderedChart.render(ValueSets.MINIMAL);
    String tokenFile = chart.agentConfig().path("hcloud").path("tokenFile").asText();
    JsonNode mount = DaemonSetTemplateTest.byName(chart.agentContainer().path("volumeMounts"), "hcloud-token");

    assertThat(tokenFile).isEqualTo(mount.path("mountPath").asText() + "/token");
  }

  @Test
  void namesOnlyTheChosenFloatingIpReference() {
    assertThat(RenderedChart.render(ValueSets.MINIMAL).agentConfig().path("floatingIp").toString())
        .isEqualTo("{\"name\":\"k8s-api\"}");
    assertThat(RenderedChart.render(ValueSets.EXISTING_SECRET).agentConfig().path("floatingIp").toString())
        .isEqualTo("{\"id\":4711}");
    assertThat(RenderedChart.render(ValueSets.SELECTOR).agentConfig().path("floatingIp").toString())
        .isEqualTo("{\"selector\":\"role=k8s-api,env=prod\"}");
  }

  @Test
  void writesTheLeaseTtlAsWholeSecondsAndTheEtcdCertificatePathsOfTheMountedSecret() {
    RenderedChart chart = RenderedChart.render(ValueSets.EXISTING_SECRET);
    JsonNode etcd = chart.agentConfig().path("etcd");
    String certDir = DaemonSetTemplateTest.byName(chart.agentContainer().path("volumeMounts"), "etcd-client")
        .path("mountPath").asText();

    assertThat(etcd.path("leaseTtl").asText()).isEqualTo("5s");
    assertThat(etcd.path("endpoints")).hasSize(3);
    assertThat(etcd.path("caFile").asText()).isEqualTo(certDir + "/ca.crt");
    assertThat(etcd.path("certFile").asText()).isEqualTo(certDir + "/tls.crt");
    assertThat(etcd.path("keyFile").asText()).isEqualTo(certDir + "/tls.key");
  }

  @Test
  void leavesOutEtcdCertificatesWhenNoSecretIsGiven() {
    JsonNode etcd = RenderedChart.render(ValueSets.MINIMAL).agentConfig().path("etcd");

    assertThat(etcd.has("caFile")).isFalse();
    assertThat(etcd.has("certFile")).isFalse();
    assertThat(etcd.has("keyFile")).isFalse();
  }

  @Test
  void verifiesTheLocalApiserverWithTheClusterCaWhenAskedTo() {
    RenderedChart chart = RenderedChart.render(ValueSets.SELECTOR);
    JsonNode apiserver = chart.agentConfig().path("apiserver");
    JsonNode caMount = DaemonSetTemplateTest.byName(chart.agentContainer().path("volumeMounts"), "cluster-ca");
    JsonNode caVolume = DaemonSetTemplateTest.byName(
        chart.single("DaemonSet").path("spec").path("template").path("spec").path("volumes"), "cluster-ca");

    assertThat(apiserver.path("insecureSkipVerify").asBoolean(true)).isFalse();
    assertThat(apiserver.path("caFile").asText()).isEqualTo(caMount.path("mountPath").asText() + "/ca.crt");
    assertThat(caVolume.path("configMap").path("name").asText()).isEqualTo("kube-root-ca.crt");
  }

  @Test
  void carriesTheIpv6FloatingIpAndBracketedEndpoints() {
    JsonNode config = RenderedChart.render(ValueSets.IPV6).agentConfig();

    assertThat(config.path("floatingIp").path("name").asText()).isEqualTo("k8s-api");
    assertThat(config.path("floatingIpV6").path("name").asText()).isEqualTo("k8s-api-v6");
    assertThat(config.path("etcd").path("endpoints").get(0).asText()).isEqualTo("https://[2001:db8::2]:2379");
    assertThat(config.path("apiserver").path("url").asText()).isEqualTo("https://[::1]:6443/readyz");
    assertThat(RenderedChart.render(ValueSets.MINIMAL).agentConfig().has("floatingIpV6")).isFalse();
  }

  @Test
  void rendersActiveModeByDefaultAndObserveModeWhenAskedWithNothingElseChanged() {
    JsonNode active = RenderedChart.render(ValueSets.MINIMAL).agentConfig();
    JsonNode observe = RenderedChart.render(ValueSets.MINIMAL + "mode: observe\n").agentConfig();

    assertThat(active.path("mode").asText()).isEqualTo("active");
    assertThat(observe.path("mode").asText()).isEqualTo("observe");
    Map<String, JsonNode> rest = leaves(observe);
    rest.remove("mode");
    Map<String, JsonNode> activeRest = leaves(active);
    activeRest.remove("mode");
    assertThat(rest).as("observe mode uses the same token, etcd, interface and probe settings").isEqualTo(activeRest);
  }

  @Test
  void theReferenceParserSeesTheGroupedKeys() {
    Set<String> keys = REFERENCE.keys();

    assertThat(keys).contains("floatingIpV6.selector", "etcd.keyFile", "etcd.leaseTtl", "http.listen");
    assertThat(REFERENCE.defaultOf("etcd.leaseTtl")).contains("2s");
  }

  /** Flattens nested objects to dotted keys; arrays stay one leaf. */
  static Map<String, JsonNode> leaves(JsonNode config) {
    Map<String, JsonNode> out = new TreeMap<>();
    flatten("", config, out);
    return out;
  }

  private static void flatten(String prefix, JsonNode node, Map<String, JsonNode> out) {
    if (node.isObject()) {
      node.fields().forEachRemaining(e -> flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out));
    } else {
      out.put(prefix, node);
    }
  }
}
