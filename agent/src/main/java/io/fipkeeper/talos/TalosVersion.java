package io.fipkeeper.talos;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Talos config form a patch is written for. What matters is the version the machine config was <em>generated</em>
 * for (its version contract), not the version running: Talos 1.14 generates the Kubernetes settings as separate
 * documents ({@code KubeClusterConfig}, {@code KubeAPIServerConfig}, ...; {@code MultidocKubernetesConfigSupported()}
 * in pkg/machinery/config/contract.go, v1.14.0-rc.1) while a config generated for 1.13 or earlier keeps them in the
 * v1alpha1 document, and Talos 1.14 still runs such a config (the v1alpha1 bridge,
 * pkg/machinery/config/types/v1alpha1/v1alpha1_k8s_bridge.go). Each form refuses the other's fields: a 1.14 document
 * conflicts with the same setting in v1alpha1 ({@code V1Alpha1ConflictValidate} in pkg/machinery/config/types/k8s/).
 */
public enum TalosVersion {
  /** v1alpha1 form; extraArgs are single strings (map[string]string in v1alpha1_types.go, v1.12.11). */
  V1_12("1.12"),
  /** v1alpha1 form; extraArgs may be lists (Args in v1alpha1_types.go, v1.13.9). */
  V1_13("1.13"),
  /** Kubernetes settings as separate documents (pkg/machinery/config/types/k8s/, v1.14.0-rc.1). */
  V1_14("1.14");

  public static final TalosVersion NEWEST = V1_14;
  private static final Pattern FORM = Pattern.compile("v?(\\d+)\\.(\\d+)(\\.\\d+)?(-[0-9A-Za-z.]+)?");

  private final String label;

  TalosVersion(String label) {
    this.label = label;
  }

  /** {@code 1.13}, {@code v1.13}, {@code 1.13.9} or {@code v1.14.0-rc.1}; the patch level is ignored. */
  public static TalosVersion parse(String text) {
    String value = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    Matcher m = FORM.matcher(value);
    if (m.matches()) {
      String minor = m.group(1) + "." + m.group(2);
      for (TalosVersion v : values()) {
        if (v.label.equals(minor)) {
          return v;
        }
      }
    }
    throw new IllegalArgumentException("invalid --talos-version '" + text + "': must be 1.12, 1.13 or 1.14 (the"
        + " version the machine config was generated for)");
  }

  /** True when the endpoint, apiserver and node settings are separate documents. */
  public boolean kubernetesDocuments() {
    return this == V1_14;
  }

  public String label() {
    return label;
  }
}
