package io.fipkeeper.talos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The patch per Talos config form, checked against the field and document names in the Talos sources
 * (siderolabs/talos, read with git at the tags named):
 * <ul>
 *   <li>v1alpha1 form (v1.12.11, v1.13.9: pkg/machinery/config/types/v1alpha1/v1alpha1_types.go):
 *       {@code cluster.controlPlane.endpoint} (ControlPlaneConfig.Endpoint), {@code cluster.apiServer.certSANs} and
 *       {@code .extraArgs} (APIServerConfig), {@code cluster.etcd.advertisedSubnets} (EtcdConfig),
 *       {@code machine.certSANs} (MachineCertSANs), {@code machine.kubelet.nodeIP.validSubnets}
 *       (KubeletNodeIPConfig), {@code cluster.inlineManifests[].name/contents} (ClusterInlineManifest);
 *   <li>1.14 documents (v1.14.0-rc.1: pkg/machinery/config/types/k8s/): KubeClusterConfig {@code endpoint}
 *       (cluster.go), KubeAPIServerConfig {@code certExtraSANs} (apiserver.go, ControlplaneOnlyDocument),
 *       KubeNodeConfig {@code nodeIP.validSubnets} (node.go), KubeServiceAccountConfig {@code issuer.issuerURL}
 *       (service_account.go), KubeInlineManifestConfig {@code name/manifest} (inline_manifest.go); all with
 *       {@code apiVersion: v1alpha1}; and in the 1.14 v1alpha1 document only what its schema still allows
 *       (website/content/v1.14/schemas/config.schema.json: v1alpha1.MachineConfig certSANs, v1alpha1.ClusterConfig
 *       etcd, additionalProperties false);
 *   <li>exclusions: negative entries {@code !<cidr>} after the positive ones, because Talos' FilterIPs
 *       (siderolabs/net v0.4.0 net.go, used by nodeip.go and etcd/spec.go) only removes what an earlier positive
 *       entry added.
 * </ul>
 */
public class TalosPatchTest {
  private static final YAMLMapper YAML = new YAMLMapper();

  /** Fields a 1.14 document may carry, from the Go structs' yaml tags at v1.14.0-rc.1. */
  private static final Map<String, Set<String>> KUBE_DOCUMENT_FIELDS = Map.of(
      "KubeClusterConfig", Set.of("apiVersion", "kind", "clusterName", "endpoint"),
      "KubeAPIServerConfig", Set.of("apiVersion", "kind", "image", "extraArgs", "env", "resources", "apiPort",
          "certExtraSANs", "startupProbes"),
      "KubeNodeConfig", Set.of("apiVersion", "kind", "skipNodeRegistration", "registerWithFQDN", "nodeIP", "labels",
          "annotations", "taints"),
      "KubeServiceAccountConfig", Set.of("apiVersion", "kind", "issuer", "accepted"),
      "KubeInlineManifestConfig", Set.of("apiVersion", "kind", "name", "manifest"));

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"1.12, cluster", "1.12, control-planes", "1.13, cluster", "1.13, control-planes", "1.14, cluster",
      "1.14, control-planes"})
  void rendersTheGoldenPatch(String version, String part) throws IOException {
    TalosPatch patch = full(version);

    assertThat(patch.render(PatchScope.parse(part))).isEqualTo(golden("v" + version + "-" + part + ".yaml"));
  }

  @Test
  void rendersAnIpv6OnlyPatchWithItsPort() throws IOException {
    TalosPatch patch = TalosPatch.builder().floatingIp("2001:DB8:0:0::10").port("443").nodeSubnets(List.of("::/0"))
        .build();

    assertThat(patch.endpoint()).isEqualTo("https://[2001:db8::10]:443");
    assertThat(patch.render(PatchScope.CLUSTER)).isEqualTo(golden("v1.14-ipv6-only-cluster.yaml"));
    assertThat(patch.render(PatchScope.CONTROL_PLANES)).isEqualTo(golden("v1.14-ipv6-only-control-planes.yaml"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"1.12", "1.13"})
  void v1alpha1FormSetsTheEndpointForEveryNodeAndTheRestOnControlPlanes(String version) throws IOException {
    TalosPatch patch = full(version);
    JsonNode cluster = single(patch.render(PatchScope.CLUSTER));
    JsonNode cp = single(patch.render(PatchScope.CONTROL_PLANES));

    assertThat(cluster.at("/cluster/controlPlane/endpoint").asText()).isEqualTo("https://k8s.example.com:6443");
    assertThat(paths(cluster)).containsExactly("/cluster/controlPlane/endpoint");

    assertThat(texts(cp.at("/cluster/apiServer/certSANs"))).containsExactly("203.0.113.10", "2001:db8::10", "k8s.example.com");
    assertThat(texts(cp.at("/machine/certSANs"))).containsExactly("203.0.113.10", "2001:db8::10", "k8s.example.com");
    assertThat(cp.at("/cluster/apiServer/extraArgs/service-account-issuer").asText()).isEqualTo("https://198.51.100.1:6443");
    assertThat(cp.at("/cluster/apiServer/extraArgs/api-audiences").asText()).isEqualTo("https://198.51.100.1:6443");
    assertThat(cp.at("/cluster/apiServer/extraArgs/service-account-issuer").isTextual()).as("a string works on 1.12 and 1.13").isTrue();
    assertThat(texts(cp.at("/machine/kubelet/nodeIP/validSubnets")))
        .containsExactly("10.0.0.0/16", "!203.0.113.10/32", "!2001:db8::10/128");
    assertThat(texts(cp.at("/cluster/etcd/advertisedSubnets")))
        .containsExactly("10.0.0.0/16", "!203.0.113.10/32", "!2001:db8::10/128");
    assertThat(cp.at("/cluster/controlPlane").isMissingNode()).as("the endpoint lives in the cluster part only").isTrue();
    assertThat(fieldNames(cp)).containsExactly("cluster", "machine");
  }

  @Test
  void kubeDocumentsFormHasNoV1alpha1KubernetesFields() throws IOException {
    TalosPatch patch = full("1.14");

    for (PatchScope scope : PatchScope.values()) {
      for (JsonNode doc : documents(patch.render(scope))) {
        assertThat(doc.at("/cluster/controlPlane").isMissingNode()).as(scope + ": cluster.controlPlane").isTrue();
        assertThat(doc.at("/cluster/apiServer").isMissingNode()).as(scope + ": cluster.apiServer").isTrue();
        assertThat(doc.at("/machine/kubelet").isMissingNode()).as(scope + ": machine.kubelet").isTrue();
        if (doc.has("kind")) {
          assertThat(doc.path("apiVersion").asText()).isEqualTo("v1alpha1");
          assertThat(KUBE_DOCUMENT_FIELDS).containsKey(doc.path("kind").asText());
          assertThat(fieldNames(doc)).isSubsetOf(KUBE_DOCUMENT_FIELDS.get(doc.path("kind").asText()));
        } else {
          // the 1.14 v1alpha1 document: machine.certSANs and cluster.etcd only (config.schema.json, v1.14.0-rc.1)
          assertThat(paths(doc)).allMatch(p -> p.startsWith("/machine/certSANs") || p.startsWith("/cluster/etcd/"));
        }
      }
    }
  }

  @Test
  void kubeDocumentsFormPutsEachSettingInItsDocument() throws IOException {
    TalosPatch patch = full("1.14");
    List<JsonNode> cluster = documents(patch.render(PatchScope.CLUSTER));
    List<JsonNode> cp = documents(patch.render(PatchScope.CONTROL_PLANES));

    assertThat(cluster).hasSize(1);
    assertThat(cluster.get(0).path("kind").asText()).isEqualTo("KubeClusterConfig");
    assertThat(cluster.get(0).path("endpoint").asText()).isEqualTo("https://k8s.example.com:6443");

    assertThat(kinds(cp)).containsExactly("KubeAPIServerConfig", "KubeNodeConfig", "KubeServiceAccountConfig", "");
    assertThat(texts(kind(cp, "KubeAPIServerConfig").path("certExtraSANs"))).containsExactly("203.0.113.10", "2001:db8::10", "k8s.example.com");
    assertThat(texts(kind(cp, "KubeNodeConfig").at("/nodeIP/validSubnets"))).containsExactly("10.0.0.0/16", "!203.0.113.10/32", "!2001:db8::10/128");
    assertThat(kind(cp, "KubeServiceAccountConfig").at("/issuer/issuerURL").asText()).isEqualTo("https://198.51.100.1:6443");
    assertThat(texts(kind(cp, "").at("/machine/certSANs"))).containsExactly("203.0.113.10", "2001:db8::10", "k8s.example.com");
    assertThat(texts(kind(cp, "").at("/cluster/etcd/advertisedSubnets"))).containsExactly("10.0.0.0/16", "!203.0.113.10/32", "!2001:db8::10/128");
  }

  @Test
  void withoutAnOldEndpointTheIssuerIsLeftAlone() throws IOException {
    TalosPatch v113 = TalosPatch.builder().talosVersion("1.13").floatingIp("203.0.113.10").build();
    TalosPatch v114 = TalosPatch.builder().floatingIp("203.0.113.10").build();

    assertThat(single(v113.render(PatchScope.CONTROL_PLANES)).at("/cluster/apiServer/extraArgs").isMissingNode()).isTrue();
    assertThat(kinds(documents(v114.render(PatchScope.CONTROL_PLANES)))).doesNotContain("KubeServiceAccountConfig");
  }

  @ParameterizedTest
  @EnumSource(TalosVersion.class)
  void everyExclusionListStartsWithTheSubnetsTheNodeNeeds(TalosVersion version) {
    TalosPatch v4 = TalosPatch.builder().talosVersion(version.label()).floatingIp("203.0.113.10").build();
    TalosPatch dual = TalosPatch.builder().talosVersion(version.label()).floatingIp("203.0.113.10")
        .floatingIp("2001:db8::10").nodeSubnets(List.of("0.0.0.0/0", "::/0")).build();

    assertThat(v4.nodeIpSubnets()).containsExactly("0.0.0.0/0", "!203.0.113.10/32");
    assertThat(v4.etcdSubnets()).containsExactly("0.0.0.0/0", "!203.0.113.10/32");
    assertThat(dual.nodeIpSubnets()).containsExactly("0.0.0.0/0", "::/0", "!203.0.113.10/32", "!2001:db8::10/128");
    assertThat(dual.etcdSubnets()).containsExactly("0.0.0.0/0", "::/0", "!203.0.113.10/32", "!2001:db8::10/128");
  }

  /**
   * Talos' default node-IP subnets follow the service CIDRs' families (nodeip_config.go), which the command cannot
   * see: with an IPv6 floating IP the IPv4-only default would move an IPv6 or dual-stack node's IPv6 node IP away.
   */
  @Test
  void anIpv6FloatingIpNeedsExplicitNodeSubnets() {
    assertThatThrownBy(() -> TalosPatch.builder().floatingIp("203.0.113.10").floatingIp("2001:db8::10").build())
        .isInstanceOf(TalosPatch.InvalidPatchInput.class)
        .hasMessageContaining("--node-subnet is required with an IPv6 floating IP")
        .hasMessageContaining("--node-subnet 0.0.0.0/0 --node-subnet ::/0");
  }

  /**
   * What the lists do, on a model of FilterIPs (siderolabs/net v0.4.0): entries in order, a positive one adds the
   * matching addresses, a negative one removes them again. Node addresses as Talos sorts them (addressutil/compare.go):
   * a floating IP numerically below the node's public IP comes first and would be picked without the exclusion.
   */
  @Test
  void theListsKeepTheNodesOwnAddressAndDropTheFloatingIp() {
    List<String> addresses = List.of("5.75.1.10", "10.0.1.2", "203.0.113.10", "2001:db8::10", "2a01:4f8::1");
    TalosPatch defaults = TalosPatch.builder().floatingIp("5.75.1.10").floatingIp("2001:db8::10")
        .nodeSubnets(List.of("0.0.0.0/0", "::/0")).build();
    TalosPatch privateNet = TalosPatch.builder().floatingIp("5.75.1.10").nodeSubnets(List.of("10.0.0.0/16")).build();

    assertThat(FilterIpsModel.filter(addresses, List.of("0.0.0.0/0"))).first().isEqualTo("5.75.1.10");
    assertThat(FilterIpsModel.filter(addresses, defaults.nodeIpSubnets()))
        .containsExactly("10.0.1.2", "203.0.113.10", "2a01:4f8::1");
    assertThat(FilterIpsModel.filter(addresses, privateNet.etcdSubnets())).containsExactly("10.0.1.2");
    assertThat(FilterIpsModel.filter(addresses, List.of("!5.75.1.10/32"))).as("an exclusion-only list selects nothing").isEmpty();
  }

  @Test
  void embedsAnInlineManifestThatReadsBackUnchanged() throws IOException {
    String manifest = "---\n# Source: fipkeeper/templates/serviceaccount.yaml\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n"
        + "  name: fipkeeper\n  namespace: kube-system\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fipkeeper\n"
        + "data:\n  config.yaml: |\n    node: x\n\n    etcd:\n      prefix: /fipkeeper\n";
    TalosPatch v113 = TalosPatch.builder().talosVersion("1.13").floatingIp("203.0.113.10").inlineManifest(manifest).build();
    TalosPatch v114 = TalosPatch.builder().floatingIp("203.0.113.10").inlineManifest(manifest + "\n\n").build();

    JsonNode inline = single(v113.render(PatchScope.CONTROL_PLANES)).at("/cluster/inlineManifests/0");
    assertThat(inline.path("name").asText()).isEqualTo("fipkeeper");
    assertThat(inline.path("contents").asText()).isEqualTo(manifest);
    JsonNode doc = kind(documents(v114.render(PatchScope.CONTROL_PLANES)), "KubeInlineManifestConfig");
    assertThat(doc.path("name").asText()).isEqualTo("fipkeeper");
    assertThat(doc.path("manifest").asText()).isEqualTo(manifest);
    assertThat(v113.render(PatchScope.CLUSTER)).doesNotContain("inlineManifests");
  }

  @Test
  void keepsAManifestThatStartsIndented() throws IOException {
    String manifest = "  indented: first\nkind: ConfigMap\n";
    TalosPatch patch = TalosPatch.builder().floatingIp("203.0.113.10").inlineManifest(manifest).build();

    assertThat(kind(documents(patch.render(PatchScope.CONTROL_PLANES)), "KubeInlineManifestConfig").path("manifest").asText())
        .isEqualTo(manifest);
  }

  @Test
  void reportsEveryProblemAtOnceInOptionOrder() {
    assertThatThrownBy(() -> TalosPatch.builder().talosVersion("1.11").floatingIp("300.1.1.1").floatingIp("203.0.113.10")
        .floatingIp("203.0.113.10").dns("-bad").port("0").oldEndpoint("ftp://old").nodeSubnets(List.of("10.0.0.0", "!1.2.3.4/32"))
        .etcdSubnets(List.of("10.0.0.0/33")).inlineManifest(" ").build())
        .isInstanceOfSatisfying(TalosPatch.InvalidPatchInput.class, e -> assertThat(e.problems()).containsExactly(
            "invalid --talos-version '1.11': must be 1.12, 1.13 or 1.14 (the version the machine config was generated for)",
            "invalid --floating-ip '300.1.1.1': octet 300 is above 255",
            "--floating-ip 203.0.113.10 is given twice",
            "invalid --dns '-bad': label '-bad' must be 1-63 letters, digits or hyphens, not starting or ending with a hyphen",
            "invalid --port 0: must be between 1 and 65535",
            "invalid --old-endpoint 'ftp://old': give the current service-account issuer URL, e.g. https://198.51.100.1:6443",
            "invalid --node-subnet '10.0.0.0': a subnet needs a prefix length, e.g. 10.0.0.0/16 or 0.0.0.0/0",
            "invalid --node-subnet '!1.2.3.4/32': give the subnets to choose from; the floating IPs are excluded by the patch itself",
            "invalid --etcd-subnet '10.0.0.0/33': the prefix length must be 0-32",
            "--inline-manifest: the file is empty"));
    assertThatThrownBy(() -> TalosPatch.builder().build()).hasMessage(
        "--floating-ip is required (an IPv4 or IPv6 address; repeat it for each floating IP)");
  }

  @ParameterizedTest
  @CsvSource({"1.13, V1_13", "v1.12.11, V1_12", "v1.14.0-rc.1, V1_14", "' 1.14 ', V1_14"})
  void acceptsTheVersionInTheFormsTalosPrints(String text, TalosVersion expected) {
    assertThat(TalosVersion.parse(text)).isEqualTo(expected);
  }

  @Test
  void canonicalizesSubnets() {
    assertThat(TalosPatch.builder().floatingIp("203.0.113.10").nodeSubnets(List.of("10.0.7.1/16", "2a01:4F8:0:0::1/64", "10.0.0.0/16"))
        .build().nodeIpSubnets()).containsExactly("10.0.0.0/16", "2a01:4f8::/64", "!203.0.113.10/32");
  }

  private static TalosPatch full(String version) {
    return TalosPatch.builder().talosVersion(version).floatingIp("203.0.113.10").floatingIp("2001:db8::10")
        .dns("k8s.example.com").oldEndpoint("https://198.51.100.1:6443").nodeSubnets(List.of("10.0.0.0/16")).build();
  }

  public static String golden(String name) throws IOException {
    try (InputStream in = TalosPatchTest.class.getResourceAsStream("/talos/" + name)) {
      assertThat(in).as("golden file talos/%s", name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static List<JsonNode> documents(String yaml) throws IOException {
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      it.forEachRemaining(docs::add);
    }
    return docs;
  }

  private static JsonNode single(String yaml) throws IOException {
    List<JsonNode> docs = documents(yaml);
    assertThat(docs).hasSize(1);
    return docs.get(0);
  }

  private static List<String> kinds(List<JsonNode> docs) {
    return docs.stream().map(d -> d.path("kind").asText()).toList();
  }

  private static JsonNode kind(List<JsonNode> docs, String kind) {
    return docs.stream().filter(d -> d.path("kind").asText().equals(kind)).findFirst().orElseThrow();
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> out = new ArrayList<>();
    node.fieldNames().forEachRemaining(out::add);
    return out;
  }

  /** JSON pointers of every leaf or array, e.g. {@code /cluster/controlPlane/endpoint}. */
  private static List<String> paths(JsonNode node) {
    List<String> out = new ArrayList<>();
    collect(node, "", out);
    return out;
  }

  private static void collect(JsonNode node, String prefix, List<String> out) {
    if (node.isObject()) {
      node.fields().forEachRemaining(e -> collect(e.getValue(), prefix + "/" + e.getKey(), out));
    } else {
      out.add(prefix);
    }
  }
}
