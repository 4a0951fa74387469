package io.fipkeeper.hcloudsim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The server lifecycle of {@code /v1/servers}: list (name, label_selector, status, sort, pagination), a minimal
 * create (name, server_type, image, location, labels; the address comes from the simulator's pool) and delete.
 * Create validates in the API's order: bad JSON (400), bad or missing field (422 invalid_input), name in use
 * (409 uniqueness_error), no address left (412 resource_unavailable).
 */
final class ServerResources {
  /** RFC 1123 host name: what Hetzner accepts as a server name. */
  private static final Pattern NAME =
      Pattern.compile("(?=.{1,253}$)[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*");
  private static final Set<String> STATUSES = Set.of("initializing", "starting", "running", "stopping", "off",
      "deleting", "migrating", "rebuilding", "unknown");
  private static final Map<String, Comparator<SimEntities.Server>> SORT = Map.of(
      "id", Comparator.comparingLong(SimEntities.Server::id),
      "name", Comparator.comparing(SimEntities.Server::name),
      "created", Comparator.comparing(SimEntities.Server::created));

  private final SimState state;
  private final Supplier<URI> apiBase;

  ServerResources(SimState state, Supplier<URI> apiBase) {
    this.state = state;
    this.apiBase = apiBase;
  }

  SimResponse list(SimRequest req) {
    String name = req.param("name");
    LabelSelector parsed = ApiResources.labelSelector(req);
    List<String> statuses = req.params("status");
    for (String st : statuses) {
      if (!STATUSES.contains(st)) {
        throw new Paging.InvalidParameter("status", "invalid status '" + st + "'");
      }
    }
    List<SimEntities.Server> matching = state.servers().stream()
        .filter(s -> name == null || s.name().equals(name))
        .filter(s -> parsed == null || parsed.matches(s.labels()))
        .filter(s -> statuses.isEmpty() || statuses.contains(state.serverStatus(s)))
        .toList();
    Paging.Page<SimEntities.Server> page = Paging.page(Paging.sort(matching, req.params("sort"), SORT), req,
        apiBase.get());
    ObjectNode body = ApiJson.object();
    ArrayNode items = body.putArray("servers");
    page.items().forEach(s -> items.add(ApiJson.server(s, state.floatingIpsOf(s.id()), state.serverStatus(s))));
    body.set("meta", page.meta());
    return SimResponse.json(200, body).header("Link", page.link());
  }

  SimResponse create(SimRequest req) {
    JsonNode body = ApiResources.objectBody(req);
    if (body == null) {
      return ApiResources.badBody();
    }
    String name = text(body, "name");
    if (name == null) {
      return ApiResources.invalid("name", "is missing");
    }
    if (!NAME.matcher(name).matches()) {
      return ApiResources.invalid("name", "must be a valid hostname");
    }
    String typeRef = text(body, "server_type");
    if (typeRef == null) {
      return ApiResources.invalid("server_type", "is missing");
    }
    ServerCatalog.ServerType type = ServerCatalog.serverType(typeRef).orElse(null);
    if (type == null) {
      return ApiResources.invalid("server_type", "server type '" + typeRef + "' not found");
    }
    String imageRef = text(body, "image");
    if (imageRef == null) {
      return ApiResources.invalid("image", "is missing");
    }
    ServerCatalog.Image image = ServerCatalog.image(imageRef).orElse(null);
    if (image == null) {
      return ApiResources.invalid("image", "image '" + imageRef + "' not found");
    }
    String locationRef = body.hasNonNull("location") ? text(body, "location") : ServerCatalog.DEFAULT_LOCATION;
    if (locationRef == null || ServerCatalog.location(locationRef).isEmpty()) {
      return ApiResources.invalid("location", "location '" + body.path("location").asText() + "' not found");
    }
    JsonNode publicNet = body.path("public_net");
    if (publicNet.isObject() && publicNet.has("enable_ipv4") && !publicNet.get("enable_ipv4").asBoolean()) {
      return ApiResources.invalid("public_net", "the simulator only creates servers with a public IPv4");
    }
    Map<String, String> labels;
    try {
      labels = Labels.parse(body.get("labels"));
    } catch (IllegalArgumentException e) {
      return ApiResources.invalid("labels", e.getMessage());
    }
    SimState.ServerCreated result = state.createServer(name, type.name(), locationRef, image, labels);
    if (result instanceof SimState.ServerCreated.Ok ok) {
      ObjectNode out = ApiJson.object();
      out.set("server", ApiJson.server(ok.server(), List.of(), state.serverStatus(ok.server())));
      out.set("action", ApiJson.action(ok.action()));
      out.putArray("next_actions");
      out.putNull("root_password");
      return SimResponse.json(201, out);
    }
    if (result instanceof SimState.ServerCreated.NameTaken) {
      return ApiResources.uniqueness("name");
    }
    return SimResponse.error(412, "resource_unavailable", "no public IPv4 address left in the simulator's pool",
        null);
  }

  SimResponse delete(long id) {
    SimState.ServerDeleted result = state.deleteServer(id);
    if (result instanceof SimState.ServerDeleted.Ok ok) {
      ObjectNode out = ApiJson.object();
      out.set("action", ApiJson.action(ok.action()));
      SimResponse response = SimResponse.json(200, out);
      response.releasedFloatingIps = ok.releasedFloatingIps();
      return response;
    }
    if (result instanceof SimState.ServerDeleted.Locked locked) {
      return SimResponse.error(423, "locked",
          "Server is locked (action " + locked.runningActionId() + " is running)", null);
    }
    return ApiResources.notFound("Server with ID '" + id + "' not found");
  }

  /** The field as text if it is a non-blank string or a number (ids), else null. */
  private static String text(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || !(v.isTextual() || v.isIntegralNumber()) || v.asText().isBlank()) {
      return null;
    }
    return v.asText();
  }
}
