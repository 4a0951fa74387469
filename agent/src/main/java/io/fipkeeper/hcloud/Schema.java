package io.fipkeeper.hcloud;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps the API's JSON objects to the public records. Lenient about extra and missing optional fields,
 * strict about the ones the agent relies on (ids): a missing id is an {@link IllegalArgumentException}
 * the transport turns into an {@code invalid_response} error.
 */
final class Schema {
  private Schema() {}

  static FloatingIp floatingIp(JsonNode node) {
    requireObject(node, "floating_ip");
    Map<String, String> labels = new LinkedHashMap<>();
    node.path("labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
    JsonNode server = node.path("server");
    return new FloatingIp(
        requireLong(node, "id", "floating_ip"),
        text(node, "name"),
        text(node, "description"),
        text(node, "ip"),
        text(node, "type"),
        server.isIntegralNumber() ? server.asLong() : null,
        labels,
        text(node.path("home_location"), "name"),
        node.path("blocked").asBoolean(false),
        instant(node, "created"));
  }

  static HcloudAction action(JsonNode node) {
    requireObject(node, "action");
    List<HcloudAction.Resource> resources = new ArrayList<>();
    for (JsonNode resource : node.path("resources")) {
      resources.add(new HcloudAction.Resource(resource.path("id").asLong(), text(resource, "type")));
    }
    JsonNode error = node.path("error");
    return new HcloudAction(
        requireLong(node, "id", "action"),
        text(node, "command"),
        text(node, "status"),
        node.path("progress").asInt(0),
        instant(node, "started"),
        instant(node, "finished"),
        error.isObject() ? text(error, "code") : null,
        error.isObject() ? text(error, "message") : null,
        resources);
  }

  static Server server(JsonNode node) {
    requireObject(node, "server");
    JsonNode ipv4 = node.path("public_net").path("ipv4");
    return new Server(
        requireLong(node, "id", "server"), text(node, "name"), text(node, "status"),
        ipv4.isObject() ? text(ipv4, "ip") : null);
  }

  /** {@code meta.pagination.next_page}, or 0 when there is no further page (hcloud-go's rule). */
  static int nextPage(JsonNode body) {
    JsonNode next = body.path("meta").path("pagination").path("next_page");
    return next.isIntegralNumber() ? next.asInt() : 0;
  }

  private static void requireObject(JsonNode node, String what) {
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("expected a " + what + " object");
    }
  }

  private static long requireLong(JsonNode node, String field, String what) {
    JsonNode value = node.path(field);
    if (!value.isIntegralNumber()) {
      throw new IllegalArgumentException(what + " without a numeric " + field);
    }
    return value.asLong();
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isValueNode() && !value.isNull() ? value.asText() : null;
  }

  /** Accepts both {@code +00:00} and {@code Z} offsets, as the old and new docs print them. */
  private static Instant instant(JsonNode node, String field) {
    String value = text(node, field);
    if (value == null || value.isEmpty()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(field + " is not an ISO-8601 timestamp: " + value);
    }
  }
}
