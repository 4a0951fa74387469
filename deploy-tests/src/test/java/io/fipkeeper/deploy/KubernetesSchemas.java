package io.fipkeeper.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1DaemonSet;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Checks a rendered Kubernetes object against the API's schema, as the API server would with
 * {@code fieldValidation=Strict} (kubectl's default): unknown fields, wrong types, missing required fields.
 * <ul>
 *   <li>Core kinds: the models generated from the Kubernetes OpenAPI in {@code io.kubernetes:client-java-api}
 *       ({@code validateJsonElement}: unknown and required fields, structure).</li>
 *   <li>Prometheus Operator kinds ({@code monitoring.coreos.com/v1}): the types of {@code io.fabric8:openshift-model-
 *       monitoring}, generated from the operator's API; the object is bound to them (types) and every field that
 *       lands in a type's catch-all {@code additionalProperties} is an unknown field.</li>
 * </ul>
 * Every label and annotation value must be a string (the API server rejects {@code true} or {@code 1}).
 */
final class KubernetesSchemas {
  private static final ObjectMapper JSON = new ObjectMapper();

  private KubernetesSchemas() {}

  /** Problems with one object, each naming its kind, name and field; empty when the API server would accept it. */
  static List<String> problems(JsonNode object) {
    String kind = object.path("kind").asText();
    String apiVersion = object.path("apiVersion").asText();
    String where = kind + " " + object.path("metadata").path("name").asText();
    List<String> problems = new ArrayList<>();
    stringValues(object.path("metadata").path("labels"), where + " metadata.labels", problems);
    stringValues(object.path("metadata").path("annotations"), where + " metadata.annotations", problems);
    try {
      switch (apiVersion + " " + kind) {
        case "v1 ConfigMap" -> V1ConfigMap.validateJsonElement(gson(object));
        case "v1 Secret" -> V1Secret.validateJsonElement(gson(object));
        case "v1 Service" -> V1Service.validateJsonElement(gson(object));
        case "v1 ServiceAccount" -> V1ServiceAccount.validateJsonElement(gson(object));
        case "apps/v1 DaemonSet" -> {
          V1DaemonSet.validateJsonElement(gson(object));
          JsonNode template = object.path("spec").path("template").path("metadata");
          stringValues(template.path("labels"), where + " spec.template.metadata.labels", problems);
          stringValues(template.path("annotations"), where + " spec.template.metadata.annotations", problems);
        }
        case "monitoring.coreos.com/v1 ServiceMonitor" -> unknownFields(JSON.treeToValue(object, ServiceMonitor.class), where, problems);
        case "monitoring.coreos.com/v1 PodMonitor" -> unknownFields(JSON.treeToValue(object, PodMonitor.class), where, problems);
        case "monitoring.coreos.com/v1 PrometheusRule" -> unknownFields(JSON.treeToValue(object, PrometheusRule.class), where, problems);
        default -> problems.add(where + ": no schema for " + apiVersion + " " + kind + " in this test");
      }
    } catch (IOException | RuntimeException e) {
      problems.add(where + ": " + e.getMessage());
    }
    return problems;
  }

  private static JsonElement gson(JsonNode object) throws IOException {
    return JsonParser.parseString(JSON.writeValueAsString(object));
  }

  private static void stringValues(JsonNode map, String where, List<String> problems) {
    map.fields().forEachRemaining(e -> {
      if (!e.getValue().isTextual()) {
        problems.add(where + "." + e.getKey() + ": must be a string, got " + e.getValue().getNodeType().toString()
            .toLowerCase(Locale.ROOT) + " " + e.getValue());
      }
    });
  }

  /** Walks the bound model; any field a type did not declare sits in its additionalProperties. */
  private static void unknownFields(Object model, String path, List<String> problems) {
    if (model == null || model instanceof String || model instanceof Number || model instanceof Boolean
        || model instanceof Enum<?>) {
      return;
    }
    if (model instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        unknownFields(list.get(i), path + "[" + i + "]", problems);
      }
      return;
    }
    if (model instanceof Map<?, ?> map) {
      map.forEach((k, v) -> unknownFields(v, path + "." + k, problems));
      return;
    }
    if (!model.getClass().getName().startsWith("io.fabric8.")) {
      return;
    }
    List<Method> getters = new ArrayList<>();
    for (Method m : model.getClass().getMethods()) {
      if (m.getParameterCount() == 0 && !Modifier.isStatic(m.getModifiers()) && m.getName().startsWith("get")
          && !m.getName().equals("getClass")) {
        getters.add(m);
      }
    }
    getters.sort(Comparator.comparing(Method::getName));
    for (Method getter : getters) {
      Object value;
      try {
        value = getter.invoke(model);
      } catch (IllegalAccessException | InvocationTargetException e) {
        continue;
      }
      if (getter.getName().equals("getAdditionalProperties")) {
        ((Map<?, ?>) value).keySet().forEach(k -> problems.add(path + "." + k + ": unknown field"));
      } else {
        String name = getter.getName().substring(3);
        unknownFields(value, path + "." + Character.toLowerCase(name.charAt(0)) + name.substring(1), problems);
      }
    }
  }
}
