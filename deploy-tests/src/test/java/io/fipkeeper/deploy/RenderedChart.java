package io.fipkeeper.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The chart rendered by real Helm (helm-java runs Helm's Go code in the JVM) for one values file, parsed into
 * Kubernetes objects. Tests assert on parsed objects, never on text.
 */
final class RenderedChart {
  static final String RELEASE = "fipkeeper";
  static final String NAMESPACE = "kube-system";
  static final ObjectMapper YAML = new YAMLMapper();

  private final List<JsonNode> objects;

  private RenderedChart(List<JsonNode> objects) {
    this.objects = objects;
  }

  /** Renders with the given values (YAML text) on top of the chart's values.yaml. */
  static RenderedChart render(String valuesYaml) {
    return new RenderedChart(parse(template(valuesYaml)));
  }

  /** Runs `helm template` and returns the raw manifest, or throws with Helm's message. */
  static String template(String valuesYaml) {
    try {
      Path values = Files.createTempFile("fipkeeper-values", ".yaml");
      try {
        Files.writeString(values, valuesYaml);
        return new Helm(RepoPaths.chart())
            .template()
            .withName(RELEASE)
            .withNamespace(NAMESPACE)
            .withValuesFile(values)
            .call();
      } finally {
        Files.deleteIfExists(values);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<JsonNode> parse(String manifest) {
    try {
      List<JsonNode> docs = new ArrayList<>();
      var parser = new YAMLFactory().createParser(manifest);
      var it = YAML.readValues(parser, JsonNode.class);
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc != null && !doc.isNull() && !doc.isMissingNode() && doc.size() > 0) {
          docs.add(doc);
        }
      }
      return docs;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  List<JsonNode> objects() {
    return objects;
  }

  List<String> kinds() {
    return objects.stream().map(o -> o.path("kind").asText()).sorted().collect(Collectors.toList());
  }

  /** The single object of this kind; fails the test when there is none or more than one. */
  JsonNode single(String kind) {
    List<JsonNode> found = all(kind);
    if (found.size() != 1) {
      throw new AssertionError("expected one " + kind + " but rendered " + found.size() + "; kinds: " + kinds());
    }
    return found.get(0);
  }

  List<JsonNode> all(String kind) {
    return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).collect(Collectors.toList());
  }

  /** The agent's config.yaml from the ConfigMap, parsed. */
  JsonNode agentConfig() {
    String text = single("ConfigMap").path("data").path("config.yaml").asText();
    try {
      return YAML.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  JsonNode agentContainer() {
    return single("DaemonSet").path("spec").path("template").path("spec").path("containers").get(0);
  }
}
