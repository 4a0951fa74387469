package io.fipkeeper.talos;

import java.util.Locale;

/**
 * Which nodes a part of the patch is for, named as ksail names its patch folders ({@code talos/cluster/},
 * {@code talos/control-planes/}; PatchSubdirCluster / PatchSubdirControlPlanes in ksail's
 * pkg/fsutil/configmanager/talos/patches.go).
 */
public enum PatchScope {
  /** Every node, workers included: the endpoint their kubelets and Talos use to reach the API. */
  CLUSTER("cluster"),
  /** Control-plane nodes only: certificate SANs, the service-account issuer, node-IP and etcd address choices. */
  CONTROL_PLANES("control-planes");

  private final String folder;

  PatchScope(String folder) {
    this.folder = folder;
  }

  public static PatchScope parse(String text) {
    String value = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    for (PatchScope scope : values()) {
      if (scope.folder.equals(value)) {
        return scope;
      }
    }
    throw new IllegalArgumentException("invalid --for '" + text + "': must be cluster or control-planes");
  }

  /** The ksail folder name, also the sub-directory {@code --output-dir} writes to. */
  public String folder() {
    return folder;
  }
}
