package io.fipkeeper.hcloudsim;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.TreeMap;

/** Labels sent in a request body: a JSON object of string values, keys and values as Hetzner's label rules say. */
final class Labels {
  private Labels() {}

  /** Parses and checks {@code node}; throws IllegalArgumentException with a one-line reason. */
  static Map<String, String> parse(JsonNode node) {
    if (node == null || node.isNull()) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException("must be an object of string values");
    }
    Map<String, String> out = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      if (!e.getValue().isTextual()) {
        throw new IllegalArgumentException("value of '" + e.getKey() + "' must be a string");
      }
      String key = LabelSelector.key(e.getKey());
      if (key.startsWith("hetzner.cloud/")) {
        throw new IllegalArgumentException("the prefix hetzner.cloud/ is reserved, got '" + key + "'");
      }
      out.put(key, LabelSelector.value(e.getValue().asText()));
    }
    return out;
  }
}
