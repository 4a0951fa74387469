package io.fipkeeper.hcloudsim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The {@code /v1} operations once a request is authenticated, within the rate limit and past fault injection:
 * reads and writes {@link SimState} and renders Hetzner JSON. Validation order for assign: unknown floating IP (404),
 * malformed JSON (400 json_error), missing or unknown server (422 invalid_input), running action (423 locked).
 */
final class ApiResources {
  private static final Map<String, Comparator<SimEntities.FloatingIp>> FIP_SORT = Map.of(
      "id", Comparator.comparingLong(SimEntities.FloatingIp::id),
      "created", Comparator.comparing(SimEntities.FloatingIp::created));
  private static final Map<String, Comparator<SimEntities.Action>> ACTION_SORT = Map.of(
      "id", Comparator.comparingLong(SimEntities.Action::id),
      "command", Comparator.comparing(SimEntities.Action::command),
      "status", Comparator.comparing(SimEntities.Action::status),
      "started", Comparator.comparing(SimEntities.Action::started),
      "finished", Comparator.comparing(SimEntities.Action::finished,
          Comparator.nullsLast(Comparator.naturalOrder())));

  private final SimState state;
  private final Supplier<URI> apiBase;
  private final ServerResources servers;

  ApiResources(SimState state, Supplier<URI> apiBase) {
    this.state = state;
    this.apiBase = apiBase;
    this.servers = new ServerResources(state, apiBase);
  }

  SimResponse serve(V1Route route, SimRequest req, FaultRule shaping) {
    try {
      return switch (route.op()) {
        case LIST_FLOATING_IPS -> listFloatingIps(req);
        case GET_FLOATING_IP -> getFloatingIp(route.id());
        case ASSIGN -> assign(route.id(), req, shaping);
        case UNASSIGN -> unassign(route.id(), shaping);
        case LIST_FLOATING_IP_ACTIONS -> floatingIpActions(route.id(), req);
        case GET_FLOATING_IP_ACTION -> floatingIpAction(route.id(), route.subId());
        case LIST_ALL_FLOATING_IP_ACTIONS -> listActions(req, false);
        case LIST_ACTIONS -> listActions(req, true);
        case GET_ACTION -> getAction(route.id());
        case GET_SERVER -> getServer(route.id());
        case LIST_SERVERS -> servers.list(req);
        case CREATE_SERVER -> servers.create(req);
        case DELETE_SERVER -> servers.delete(route.id());
        case UPDATE_FLOATING_IP -> updateFloatingIp(route.id(), req);
        case UNKNOWN -> notFound("not found");
      };
    } catch (Paging.InvalidParameter e) {
      return SimResponse.error(422, "invalid_input", e.getMessage(), ApiJson.invalidField(e.field, e.getMessage()));
    }
  }

  static SimResponse notFound(String message) {
    return SimResponse.error(404, "not_found", message, null);
  }

  private SimResponse listFloatingIps(SimRequest req) {
    List<SimEntities.FloatingIp> all = state.floatingIps();
    String name = req.param("name");
    LabelSelector parsed = labelSelector(req);
    List<SimEntities.FloatingIp> matching = all.stream()
        .filter(f -> name == null || f.name().equals(name))
        .filter(f -> parsed == null || parsed.matches(f.labels()))
        .toList();
    Paging.Page<SimEntities.FloatingIp> page =
        Paging.page(Paging.sort(matching, req.params("sort"), FIP_SORT), req, apiBase.get());
    ObjectNode body = ApiJson.object();
    ArrayNode items = body.putArray("floating_ips");
    page.items().forEach(f -> items.add(ApiJson.floatingIp(f)));
    body.set("meta", page.meta());
    return SimResponse.json(200, body).header("Link", page.link());
  }

  private SimResponse getFloatingIp(long id) {
    SimEntities.FloatingIp fip = state.floatingIp(id);
    if (fip == null) {
      return notFound("Floating IP with ID '" + id + "' not found");
    }
    ObjectNode body = ApiJson.object();
    body.set("floating_ip", ApiJson.floatingIp(fip));
    return SimResponse.json(200, body);
  }

  private SimResponse assign(long fipId, SimRequest req, FaultRule shaping) {
    if (state.floatingIp(fipId) == null) {
      return notFound("Floating IP with ID '" + fipId + "' not found");
    }
    JsonNode body;
    try {
      body = req.body().isBlank() ? ApiJson.object() : ApiJson.MAPPER.readTree(req.body());
    } catch (JsonProcessingException e) {
      return SimResponse.error(400, "json_error", "invalid JSON in request body", null);
    }
    JsonNode server = body == null || !body.isObject() ? null : body.get("server");
    if (server == null || server.isNull()) {
      return SimResponse.error(422, "invalid_input", "invalid input in field 'server': is missing",
          ApiJson.invalidField("server", "is missing"));
    }
    if (!server.canConvertToLong() || !server.isIntegralNumber()) {
      return SimResponse.error(422, "invalid_input", "invalid input in field 'server': must be an integer",
          ApiJson.invalidField("server", "must be an integer"));
    }
    return started(state.startAction(fipId, true, server.asLong(), shaping), fipId, server.asLong());
  }

  private SimResponse unassign(long fipId, FaultRule shaping) {
    return started(state.startAction(fipId, false, null, shaping), fipId, null);
  }

  private SimResponse started(SimState.Started result, long fipId, Long server) {
    if (result instanceof SimState.Started.Ok ok) {
      ObjectNode body = ApiJson.object();
      body.set("action", ApiJson.action(ok.action()));
      return SimResponse.json(201, body);
    }
    if (result instanceof SimState.Started.NotFound) {
      return notFound("Floating IP with ID '" + fipId + "' not found");
    }
    if (result instanceof SimState.Started.UnknownServer) {
      return SimResponse.error(422, "invalid_input", "invalid input in field 'server': server " + server
          + " not found", ApiJson.invalidField("server", "server " + server + " not found"));
    }
    SimState.Started.Locked locked = (SimState.Started.Locked) result;
    return SimResponse.error(423, "locked",
        "Floating IP is locked (action " + locked.runningActionId() + " is running)", null);
  }

  private SimResponse floatingIpActions(long fipId, SimRequest req) {
    if (state.floatingIp(fipId) == null) {
      return notFound("Floating IP with ID '" + fipId + "' not found");
    }
    List<SimEntities.Action> actions = state.actions().stream().filter(a -> a.floatingIpId() == fipId).toList();
    return actionList(filterStatus(actions, req), req);
  }

  private SimResponse floatingIpAction(long fipId, long actionId) {
    SimEntities.Action a = state.action(actionId);
    if (a == null || a.floatingIpId() != fipId) {
      return notFound("Action with ID '" + actionId + "' not found");
    }
    return singleAction(a);
  }

  /**
   * {@code GET /actions} requires {@code id} since the list-all endpoint was removed on 2025-01-30; the reference's
   * error table gives 410 deprecated_api_endpoint for removed endpoints, so that is what a bare call gets.
   * {@code GET /floating_ips/actions} still lists all floating-IP actions when no id is given.
   */
  private SimResponse listActions(SimRequest req, boolean idRequired) {
    List<String> rawIds = req.params("id");
    if (idRequired && rawIds.isEmpty()) {
      ObjectNode details = ApiJson.object();
      details.put("announcement", "https://docs.hetzner.cloud/changelog#2023-07-20-actions-list-endpoints-are-deprecated");
      return SimResponse.error(410, "deprecated_api_endpoint",
          "listing all actions was removed; pass one or more id parameters", details);
    }
    Set<Long> ids = new HashSet<>();
    for (String raw : rawIds) {
      try {
        ids.add(Long.parseLong(raw));
      } catch (NumberFormatException e) {
        throw new Paging.InvalidParameter("id", "invalid id '" + raw + "'");
      }
    }
    // GET /floating_ips/actions lists floating-IP actions only; GET /actions?id= any action
    List<SimEntities.Action> actions = state.actions().stream()
        .filter(a -> idRequired || a.floatingIpId() != 0)
        .filter(a -> ids.isEmpty() || ids.contains(a.id())).toList();
    return actionList(filterStatus(actions, req), req);
  }

  private SimResponse getAction(long id) {
    SimEntities.Action a = state.action(id);
    return a == null ? notFound("Action with ID '" + id + "' not found") : singleAction(a);
  }

  private SimResponse getServer(long id) {
    SimEntities.Server s = state.server(id);
    if (s == null) {
      return notFound("Server with ID '" + id + "' not found");
    }
    ObjectNode body = ApiJson.object();
    body.set("server", ApiJson.server(s, state.floatingIpsOf(id), state.serverStatus(s)));
    return SimResponse.json(200, body);
  }

  /**
   * {@code PUT /floating_ips/{id}}: {@code name}, {@code description} and {@code labels} (which replaces all
   * labels), each optional; validation order: unknown IP (404), bad JSON (400), bad field (422), name in use (409).
   */
  private SimResponse updateFloatingIp(long id, SimRequest req) {
    if (state.floatingIp(id) == null) {
      return notFound("Floating IP with ID '" + id + "' not found");
    }
    JsonNode body = objectBody(req);
    if (body == null) {
      return badBody();
    }
    String name = null;
    if (body.has("name")) {
      if (!body.get("name").isTextual() || body.get("name").asText().isBlank()) {
        return invalid("name", "must be a non-empty string");
      }
      name = body.get("name").asText();
    }
    String description = null;
    if (body.has("description")) {
      JsonNode d = body.get("description");
      if (!d.isNull() && !d.isTextual()) {
        return invalid("description", "must be a string");
      }
      description = d.isNull() ? "" : d.asText();
    }
    Map<String, String> labels = null;
    if (body.has("labels")) {
      try {
        labels = Labels.parse(body.get("labels"));
      } catch (IllegalArgumentException e) {
        return invalid("labels", e.getMessage());
      }
    }
    SimState.FloatingIpUpdated result = state.updateFloatingIp(id, name, description, labels);
    if (result instanceof SimState.FloatingIpUpdated.Ok ok) {
      ObjectNode out = ApiJson.object();
      out.set("floating_ip", ApiJson.floatingIp(ok.floatingIp()));
      return SimResponse.json(200, out);
    }
    if (result instanceof SimState.FloatingIpUpdated.NameTaken) {
      return uniqueness("name");
    }
    return notFound("Floating IP with ID '" + id + "' not found");
  }

  /** The {@code label_selector} parameter parsed, or null when absent; a bad one is a 422 invalid_input. */
  static LabelSelector labelSelector(SimRequest req) {
    String selector = req.param("label_selector");
    try {
      return selector == null ? null : LabelSelector.parse(selector);
    } catch (IllegalArgumentException e) {
      throw new Paging.InvalidParameter("label_selector", e.getMessage());
    }
  }

  /** The request body as a JSON object (an empty body is an empty object), or null when it is not one. */
  static JsonNode objectBody(SimRequest req) {
    try {
      JsonNode body = req.body().isBlank() ? ApiJson.object() : ApiJson.MAPPER.readTree(req.body());
      return body != null && body.isObject() ? body : null;
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  static SimResponse badBody() {
    return SimResponse.error(400, "json_error", "request body must be a JSON object", null);
  }

  static SimResponse invalid(String field, String message) {
    return SimResponse.error(422, "invalid_input", "invalid input in field '" + field + "': " + message,
        ApiJson.invalidField(field, message));
  }

  static SimResponse uniqueness(String field) {
    ObjectNode details = ApiJson.object();
    details.putArray("fields").addObject().put("name", field);
    return SimResponse.error(409, "uniqueness_error", "field '" + field + "' must be unique",
        details);
  }

  private static List<SimEntities.Action> filterStatus(List<SimEntities.Action> actions, SimRequest req) {
    List<String> statuses = req.params("status");
    for (String s : statuses) {
      if (!Set.of("running", "success", "error").contains(s)) {
        throw new Paging.InvalidParameter("status", "invalid status '" + s + "'");
      }
    }
    return statuses.isEmpty() ? actions : actions.stream().filter(a -> statuses.contains(a.status())).toList();
  }

  private SimResponse actionList(List<SimEntities.Action> actions, SimRequest req) {
    Paging.Page<SimEntities.Action> page =
        Paging.page(Paging.sort(actions, req.params("sort"), ACTION_SORT), req, apiBase.get());
    ObjectNode body = ApiJson.object();
    ArrayNode items = body.putArray("actions");
    page.items().forEach(a -> items.add(ApiJson.action(a)));
    body.set("meta", page.meta());
    return SimResponse.json(200, body).header("Link", page.link());
  }

  private static SimResponse singleAction(SimEntities.Action a) {
    ObjectNode body = ApiJson.object();
    body.set("action", ApiJson.action(a));
    return SimResponse.json(200, body);
  }
}
