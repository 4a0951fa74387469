package io.fipkeeper.talos;

/** The comment block that opens each part: what it is for, where it goes and why each setting is there. */
final class PatchHeader {
  static final String FILE_NAME = "fipkeeper-endpoint.yaml";

  private PatchHeader() {}

  private static String positive(java.util.List<String> subnets) {
    return String.join(", ", subnets.stream().filter(s -> !s.startsWith("!")).toList());
  }

  static void write(PatchYaml yaml, TalosPatch patch, PatchScope scope) {
    TalosVersion version = patch.version();
    yaml.comment("Talos machine-config patch from `fipkeeper talos-patch` for configs generated for Talos "
        + version.label() + (version.kubernetesDocuments() ? " (Kubernetes settings as separate documents)." : " (v1alpha1 form)."));
    if (scope == PatchScope.CLUSTER) {
      yaml.comment("Part \"cluster\": every node. ksail: talos/cluster/" + FILE_NAME + "; talosctl: control planes and workers.");
      yaml.comment("The Kubernetes API endpoint becomes " + patch.endpoint() + ", kept on a healthy control plane by fipkeeper.");
      return;
    }
    yaml.comment("Part \"control-planes\": control-plane nodes only. ksail: talos/control-planes/" + FILE_NAME
        + "; talosctl: each control-plane node.");
    yaml.comment("SANs: the floating IPs and DNS name; Talos adds 127.0.0.1, the node's own addresses and the endpoint host itself.");
    String node = positive(patch.nodeIpSubnets());
    String etcd = positive(patch.etcdSubnets());
    yaml.comment((node.equals(etcd) ? "Node IP and etcd address: chosen from " + node
        : "Node IP chosen from " + node + ", etcd address from " + etcd)
        + ", never a floating IP (Talos leaves out only its own VIPs).");
    if (node.equals(TalosPatch.DEFAULT_NODE_SUBNET)) {
      yaml.comment("IPv4 only: on a dual-stack cluster add --node-subnet ::/0 (or your subnets), or the node loses its IPv6 node IP.");
    }
    yaml.comment("Once advertisedSubnets is set, etcd advertises and listens on every matching address (check `talosctl etcd members`).");
    patch.oldEndpoint().ifPresent(old -> yaml.comment("The service-account issuer stays " + old
        + ", so tokens issued before the endpoint change stay valid."));
    if (patch.inlineManifest().isPresent()) {
      yaml.comment("Inline manifests are created once by Talos at bootstrap and never updated; they may hold Secrets:");
      yaml.comment("keep this file out of git unless it is encrypted.");
    }
  }
}
