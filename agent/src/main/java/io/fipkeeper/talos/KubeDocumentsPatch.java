package io.fipkeeper.talos;

/**
 * The patch for configs generated for Talos 1.14, where the Kubernetes settings are separate documents (kinds and
 * fields from pkg/machinery/config/types/k8s/ at v1.14.0-rc.1): {@code KubeClusterConfig.endpoint} (cluster.go),
 * {@code KubeAPIServerConfig.certExtraSANs} (apiserver.go; a control-plane-only document),
 * {@code KubeNodeConfig.nodeIP.validSubnets} (node.go), {@code KubeServiceAccountConfig.issuer.issuerURL}
 * (service_account.go) and {@code KubeInlineManifestConfig.name/manifest} (inline_manifest.go). What stayed in the
 * v1alpha1 document in 1.14 is patched there: {@code machine.certSANs} and {@code cluster.etcd.advertisedSubnets}
 * (website/content/v1.14/schemas/config.schema.json). No {@code cluster.controlPlane} or {@code cluster.apiServer}:
 * a 1.14-form config refuses them next to the new documents (V1Alpha1ConflictValidate).
 */
final class KubeDocumentsPatch {
  private static final String API_VERSION = "v1alpha1";

  private final TalosPatch patch;

  KubeDocumentsPatch(TalosPatch patch) {
    this.patch = patch;
  }

  String render(PatchScope scope) {
    PatchYaml yaml = new PatchYaml();
    PatchHeader.write(yaml, patch, scope);
    if (scope == PatchScope.CLUSTER) {
      kind(yaml, "KubeClusterConfig").quoted(0, "endpoint", patch.endpoint());
      return yaml.text();
    }
    kind(yaml, "KubeAPIServerConfig").list(0, "certExtraSANs", patch.certSans());
    kind(yaml.document(), "KubeNodeConfig").key(0, "nodeIP").list(2, "validSubnets", patch.nodeIpSubnets());
    // generators derive issuerURL from the endpoint they are given (generate/kubernetes.go): pin it
    patch.oldEndpoint().ifPresent(old ->
        kind(yaml.document(), "KubeServiceAccountConfig").key(0, "issuer").quoted(2, "issuerURL", old));
    patch.inlineManifest().ifPresent(manifest ->
        kind(yaml.document(), "KubeInlineManifestConfig").plain(0, "name", "fipkeeper").literal(0, "manifest", manifest));
    yaml.document()
        .key(0, "machine").list(2, "certSANs", patch.certSans())
        .key(0, "cluster").key(2, "etcd").list(4, "advertisedSubnets", patch.etcdSubnets());
    return yaml.text();
  }

  private static PatchYaml kind(PatchYaml yaml, String kind) {
    return yaml.plain(0, "apiVersion", API_VERSION).plain(0, "kind", kind);
  }
}
