package io.fipkeeper.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * examples/flux: the chart renders with exactly the values in the HelmRelease (real Helm via helm-java), and the
 * files agree with each other and with the chart: namespace, Secret names and keys, chart source.
 */
class FluxExampleTest {
  private static Path example;
  private static JsonNode release;
  private static RenderedChart chart;

  @BeforeAll
  static void render() throws IOException {
    example = RepoPaths.root().resolve("examples/flux");
    release = single(example.resolve("helm-release.yaml"));
    chart = RenderedChart.render(RenderedChart.YAML.writeValueAsString(release.path("spec").path("values")));
  }

  @Test
  void theReleaseRendersWithItsOwnValues() {
    assertThat(release.path("kind").asText()).isEqualTo("HelmRelease");
    assertThat(release.path("apiVersion").asText()).isEqualTo("helm.toolkit.fluxcd.io/v2");
    assertThat(release.path("spec").path("values").isObject()).isTrue();
    // the token and the certificate come from Secrets the example provides, so the chart renders no Secret itself
    assertThat(chart.kinds()).containsExactly("ConfigMap", "DaemonSet", "Service", "ServiceAccount");
  }

  @Test
  void runsInKubeSystemWhereTalosAllowsHostNetworkAndNetAdmin() {
    assertThat(release.path("metadata").path("namespace").asText()).isEqualTo("kube-system");
    assertThat(release.path("spec").path("targetNamespace").isMissingNode()).isTrue();
    assertThat(release.path("spec").path("releaseName").isMissingNode()).as("release fipkeeper, as RenderedChart").isTrue();
    assertThat(release.path("metadata").path("name").asText()).isEqualTo(RenderedChart.RELEASE);
    JsonNode pod = chart.single("DaemonSet").at("/spec/template/spec");
    assertThat(pod.path("hostNetwork").asBoolean()).isTrue();
    assertThat(texts(chart.agentContainer().at("/securityContext/capabilities/add"))).containsExactly("NET_ADMIN");
  }

  @Test
  void selectsTheKsailFloatingIpByItsLabelsAndVerifiesTheLocalApiserver() {
    JsonNode config = chart.agentConfig();

    assertThat(config.at("/floatingIp/selector").asText()).isEqualTo("ksail.cluster.name=prod");
    assertThat(config.at("/floatingIp/name").isMissingNode()).isTrue();
    assertThat(config.at("/apiserver/insecureSkipVerify").asBoolean()).isFalse();
    assertThat(config.at("/apiserver/caFile").asText()).isNotEmpty();
    assertThat(config.at("/etcd/certFile").asText()).endsWith("/tls.crt");
  }

  @Test
  void theSecretsTheReleaseMountsAreTheOnesTheExampleProvides() throws IOException {
    JsonNode values = release.path("spec").path("values");
    String tokenSecret = values.at("/hcloud/existingSecret").asText();
    String tokenKey = values.at("/hcloud/existingSecretKey").asText();
    String etcdSecret = values.at("/etcd/existingSecret").asText();
    JsonNode pod = chart.single("DaemonSet").at("/spec/template/spec");

    assertThat(secretVolume(pod, tokenSecret)).contains(tokenKey);
    assertThat(secretVolume(pod, etcdSecret)).containsExactlyInAnyOrder("ca.crt", "tls.crt", "tls.key");

    JsonNode hcloud = single(example.resolve("fipkeeper-hcloud.secret.yaml"));
    JsonNode etcd = single(example.resolve("fipkeeper-etcd-client.secret.yaml"));
    assertThat(hcloud.at("/metadata/name").asText()).isEqualTo(tokenSecret);
    assertThat(names(hcloud.path("stringData"))).containsExactly(tokenKey);
    assertThat(etcd.at("/metadata/name").asText()).isEqualTo(etcdSecret);
    assertThat(names(etcd.path("data"))).containsExactlyInAnyOrder(secretVolume(pod, etcdSecret).toArray(String[]::new));
    for (JsonNode secret : List.of(hcloud, etcd)) {
      assertThat(secret.at("/metadata/namespace").asText()).isEqualTo("kube-system");
    }

    List<JsonNode> external = RenderedChart.parse(Files.readString(example.resolve("external-secrets.yaml")));
    assertThat(external).extracting(e -> e.at("/spec/target/name").asText()).containsExactly(tokenSecret, etcdSecret);
    assertThat(external.get(0).path("spec").path("data")).extracting(d -> d.path("secretKey").asText()).containsExactly(tokenKey);
    assertThat(external.get(1).path("spec").path("data")).extracting(d -> d.path("secretKey").asText())
        .containsExactlyInAnyOrder("ca.crt", "tls.crt", "tls.key");
    assertThat(external).allMatch(e -> e.at("/metadata/namespace").asText().equals("kube-system"));
  }

  @Test
  void theChartComesFromTheOciRepositoryTheReleaseReferences() throws IOException {
    JsonNode source = single(example.resolve("oci-repository.yaml"));

    assertThat(source.path("kind").asText()).isEqualTo("OCIRepository");
    assertThat(release.at("/spec/chartRef/kind").asText()).isEqualTo("OCIRepository");
    assertThat(release.at("/spec/chartRef/name").asText()).isEqualTo(source.at("/metadata/name").asText());
    assertThat(source.at("/metadata/namespace").asText()).isEqualTo("kube-system");
    assertThat(source.at("/spec/url").asText()).startsWith("oci://").endsWith("/fipkeeper");
    assertThat(source.at("/spec/layerSelector/mediaType").asText()).isEqualTo("application/vnd.cncf.helm.chart.content.v1.tar+gzip");
    assertThat(source.at("/spec/ref/semver").asText()).isNotBlank();
  }

  @Test
  void neverUninstallsOnAFailedInstall() {
    // install remediation uninstalls between retries, which would drop the endpoint the agents hold
    assertThat(release.at("/spec/install/remediation").isMissingNode()).isTrue();
    assertThat(release.at("/spec/upgrade/remediation/strategy").asText()).isEqualTo("rollback");
  }

  @Test
  void theKustomizationListsFilesThatExist() throws IOException {
    JsonNode kustomization = single(example.resolve("kustomization.yaml"));
    Set<String> yamlFiles = new TreeSet<>();
    try (var files = Files.list(example)) {
      files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")).forEach(yamlFiles::add);
    }

    assertThat(texts(kustomization.path("resources"))).isNotEmpty().allMatch(yamlFiles::contains)
        .contains("oci-repository.yaml", "helm-release.yaml");
  }

  private static List<String> secretVolume(JsonNode pod, String secretName) {
    for (JsonNode volume : pod.path("volumes")) {
      if (volume.at("/secret/secretName").asText().equals(secretName)) {
        List<String> keys = new ArrayList<>();
        volume.at("/secret/items").forEach(item -> keys.add(item.path("key").asText()));
        return keys;
      }
    }
    throw new AssertionError("no volume mounts Secret " + secretName);
  }

  private static JsonNode single(Path file) throws IOException {
    List<JsonNode> docs = RenderedChart.parse(Files.readString(file));
    assertThat(docs).as(file.toString()).hasSize(1);
    return docs.get(0);
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static List<String> names(JsonNode node) {
    List<String> out = new ArrayList<>();
    node.fieldNames().forEachRemaining(out::add);
    return out;
  }
}
