package io.fipkeeper.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The agent's pod as the chart renders it, translated into {@code podman create} flags the way a kubelet would run
 * it: the container's args, env (with {@code spec.nodeName} from the downward API), security context, memory limit
 * and volume mounts, the ConfigMap and Secret written out as the files their volumes project. The pod's host network
 * becomes a network namespace the caller names. Anything in the rendered pod this class does not know how to
 * reproduce fails the test instead of being left out silently.
 */
final class ChartPod {
  private final JsonNode pod;
  private final JsonNode container;
  private final RenderedChart chart;

  private ChartPod(RenderedChart chart) {
    this.chart = chart;
    this.pod = chart.single("DaemonSet").path("spec").path("template").path("spec");
    this.container = chart.agentContainer();
  }

  static ChartPod render(String valuesYaml) {
    return new ChartPod(RenderedChart.render(valuesYaml));
  }

  int terminationGracePeriodSeconds() {
    return pod.path("terminationGracePeriodSeconds").asInt();
  }

  /** The rendered agent config.yaml (what the ConfigMap holds). */
  JsonNode agentConfig() {
    return chart.agentConfig();
  }

  /**
   * {@code podman create} arguments (after "create") for this pod on {@code node}: the volumes are materialised
   * under {@code dir}, the container joins the network namespace at {@code netnsPath} as a hostNetwork pod joins the
   * node's.
   */
  List<String> createArgs(String name, String image, String node, Path netnsPath, Path dir) {
    if (!pod.path("hostNetwork").asBoolean()) {
      throw new AssertionError("the chart's pod is expected to use the host network");
    }
    List<String> args = new ArrayList<>(List.of("--name", name, "--network", "ns:" + netnsPath,
        "--log-driver", "k8s-file", "--stop-timeout", Integer.toString(terminationGracePeriodSeconds())));
    args.addAll(securityFlags());
    args.addAll(memoryLimitFlags());
    args.addAll(env(node));
    args.addAll(volumes(dir));
    args.addAll(Podman.keepHostLimits());
    args.add(image);
    container.path("args").forEach(a -> args.add(a.asText()));
    return args;
  }

  private List<String> securityFlags() {
    JsonNode sc = container.path("securityContext");
    List<String> flags = new ArrayList<>();
    if (sc.path("privileged").asBoolean(false)) {
      throw new AssertionError("a privileged pod is not what the chart is meant to run");
    }
    flags.add("--user=" + sc.path("runAsUser").asInt() + ":" + sc.path("runAsGroup").asInt());
    for (JsonNode cap : sc.path("capabilities").path("drop")) {
      flags.add("--cap-drop=" + cap.asText().toLowerCase(Locale.ROOT));
    }
    for (JsonNode cap : sc.path("capabilities").path("add")) {
      flags.add("--cap-add=" + cap.asText());
    }
    if (!sc.path("allowPrivilegeEscalation").asBoolean(true)) {
      flags.add("--security-opt=no-new-privileges");
    }
    if (sc.path("readOnlyRootFilesystem").asBoolean(false)) {
      // podman would add tmpfs on /run, /tmp and /var/tmp; a kubelet adds none (the chart mounts /tmp itself)
      flags.addAll(List.of("--read-only", "--read-only-tmpfs=false"));
    }
    String seccomp = sc.path("seccompProfile").path("type").asText("RuntimeDefault");
    if (!seccomp.equals("RuntimeDefault")) {
      throw new AssertionError("unsupported seccomp profile " + seccomp);
    }
    return flags;
  }

  /** The container's memory limit as rendered, in Mi (e.g. "192Mi"). */
  String memoryLimit() {
    String limit = container.path("resources").path("limits").path("memory").asText("");
    if (!limit.matches("[0-9]+Mi")) {
      throw new AssertionError("memory limit missing or in an unexpected unit: " + limit);
    }
    return limit;
  }

  private List<String> memoryLimitFlags() {
    return List.of("--memory", memoryLimit().replace("Mi", "m"));
  }

  private List<String> env(String node) {
    List<String> flags = new ArrayList<>();
    for (JsonNode e : container.path("env")) {
      String value;
      if (e.has("value")) {
        value = e.path("value").asText();
      } else if (e.path("valueFrom").path("fieldRef").path("fieldPath").asText().equals("spec.nodeName")) {
        value = node;
      } else {
        throw new AssertionError("env " + e.path("name").asText() + ": only values and spec.nodeName are reproduced");
      }
      flags.addAll(List.of("--env", e.path("name").asText() + "=" + value));
    }
    return flags;
  }

  private List<String> volumes(Path dir) {
    List<String> flags = new ArrayList<>();
    for (JsonNode mount : container.path("volumeMounts")) {
      String name = mount.path("name").asText();
      JsonNode volume = volume(name);
      String target = mount.path("mountPath").asText();
      String options = mount.path("readOnly").asBoolean(false) ? ":ro" : "";
      if (volume.has("configMap")) {
        flags.addAll(List.of("--volume", configMap(volume.path("configMap"), dir.resolve(name)) + ":" + target + options));
      } else if (volume.has("secret")) {
        flags.addAll(List.of("--volume", secret(volume.path("secret"), dir.resolve(name)) + ":" + target + options));
      } else if (volume.has("emptyDir")) {
        String size = volume.path("emptyDir").path("sizeLimit").asText("");
        flags.addAll(List.of("--tmpfs", target + (size.endsWith("Mi") ? ":size=" + size.replace("Mi", "m") : "")));
      } else {
        throw new AssertionError("volume " + name + " of a kind this test does not reproduce: " + volume);
      }
    }
    return flags;
  }

  private JsonNode volume(String name) {
    for (JsonNode v : pod.path("volumes")) {
      if (v.path("name").asText().equals(name)) {
        return v;
      }
    }
    throw new AssertionError("volumeMount " + name + " has no volume");
  }

  /** Every key of the rendered ConfigMap as a file, as a configMap volume without items projects it. */
  private Path configMap(JsonNode ref, Path dir) {
    JsonNode cm = chart.single("ConfigMap");
    if (!cm.path("metadata").path("name").asText().equals(ref.path("name").asText())) {
      throw new AssertionError("the configMap volume names " + ref.path("name") + ", which the chart does not render");
    }
    cm.path("data").fields().forEachRemaining(e -> write(dir.resolve(e.getKey()), e.getValue().asText().getBytes(),
        0644));
    return dir;
  }

  /** The Secret's items, decoded, under their paths with the volume's defaultMode. */
  private Path secret(JsonNode ref, Path dir) {
    JsonNode secret = chart.single("Secret");
    if (!secret.path("metadata").path("name").asText().equals(ref.path("secretName").asText())) {
      throw new AssertionError("the secret volume names " + ref.path("secretName") + ", which the chart does not render");
    }
    int mode = ref.path("defaultMode").asInt(0644);
    for (JsonNode item : ref.path("items")) {
      String data = secret.path("data").path(item.path("key").asText()).asText(null);
      if (data == null) {
        throw new AssertionError("the Secret has no key " + item.path("key"));
      }
      write(dir.resolve(item.path("path").asText()), Base64.getDecoder().decode(data), mode);
    }
    return dir;
  }

  private static void write(Path file, byte[] content, int mode) {
    try {
      Files.createDirectories(file.getParent());
      Files.write(file, content);
      Files.setPosixFilePermissions(file, permissions(mode));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] order = {
        PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
    for (int bit = 0; bit < order.length; bit++) {
      if ((mode & (1 << bit)) != 0) {
        set.add(order[bit]);
      }
    }
    return set;
  }
}
