package io.fipkeeper.talos;

/**
 * The patch in the v1alpha1 form (configs generated for Talos 1.12 and 1.13). Field names from
 * pkg/machinery/config/types/v1alpha1/v1alpha1_types.go (v1.12.11, v1.13.9): {@code cluster.controlPlane.endpoint},
 * {@code cluster.apiServer.certSANs}, {@code cluster.apiServer.extraArgs}, {@code cluster.etcd.advertisedSubnets},
 * {@code cluster.inlineManifests[].name/contents}, {@code machine.certSANs},
 * {@code machine.kubelet.nodeIP.validSubnets}.
 */
final class V1Alpha1Patch {
  private final TalosPatch patch;

  V1Alpha1Patch(TalosPatch patch) {
    this.patch = patch;
  }

  String render(PatchScope scope) {
    PatchYaml yaml = new PatchYaml();
    PatchHeader.write(yaml, patch, scope);
    if (scope == PatchScope.CLUSTER) {
      yaml.key(0, "cluster").key(2, "controlPlane").quoted(4, "endpoint", patch.endpoint());
      return yaml.text();
    }
    yaml.key(0, "cluster").key(2, "apiServer").list(4, "certSANs", patch.certSans());
    patch.oldEndpoint().ifPresent(old -> yaml.key(4, "extraArgs")
        // Talos derives both from the endpoint (control_plane_static_pod.go); extraArgs replace what it derives
        .quoted(6, "service-account-issuer", old)
        .quoted(6, "api-audiences", old));
    yaml.key(2, "etcd").list(4, "advertisedSubnets", patch.etcdSubnets());
    patch.inlineManifest().ifPresent(manifest -> yaml.key(2, "inlineManifests")
        .plain(4, "- name", "fipkeeper")
        .literal(6, "contents", manifest));
    yaml.key(0, "machine").list(2, "certSANs", patch.certSans())
        .key(2, "kubelet").key(4, "nodeIP").list(6, "validSubnets", patch.nodeIpSubnets());
    return yaml.text();
  }
}
