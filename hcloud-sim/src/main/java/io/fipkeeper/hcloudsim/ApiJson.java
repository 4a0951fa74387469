package io.fipkeeper.hcloudsim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes the Hetzner JSON shapes (field names, nulls and types as in hcloud-go's schema package). Timestamps use the
 * classic {@code 2016-01-30T23:55:00+00:00} form.
 */
final class ApiJson {
  static final ObjectMapper MAPPER = new ObjectMapper();
  private static final long PRIMARY_IP_ID_BASE = 40_000_000L;
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx").withZone(ZoneOffset.UTC);

  private ApiJson() {}

  static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write json", e);
    }
  }

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  static String time(Instant t) {
    return TIME.format(t);
  }

  static ObjectNode error(String code, String message, JsonNode details) {
    ObjectNode error = object();
    error.put("code", code);
    error.put("message", message);
    error.set("details", details == null ? MAPPER.nullNode() : details);
    ObjectNode root = object();
    root.set("error", error);
    return root;
  }

  /** {@code details} of an invalid_input error: {@code {"fields":[{"name":..,"messages":[..]}]}}. */
  static ObjectNode invalidField(String name, String message) {
    ObjectNode field = object();
    field.put("name", name);
    field.putArray("messages").add(message);
    ObjectNode details = object();
    details.putArray("fields").add(field);
    return details;
  }

  static ObjectNode floatingIp(SimEntities.FloatingIp f) {
    ObjectNode n = object();
    n.put("id", f.id());
    n.put("name", f.name());
    if (f.description() == null) {
      n.putNull("description");
    } else {
      n.put("description", f.description());
    }
    n.put("ip", f.ip());
    n.put("type", f.type());
    if (f.server() == null) {
      n.putNull("server");
    } else {
      n.put("server", f.server());
    }
    ArrayNode ptr = n.putArray("dns_ptr");
    if (f.type().equals("ipv4")) {
      ptr.addObject().put("ip", f.ip()).put("dns_ptr", "static." + reversed(f.ip()) + ".clients.your-server.de");
    }
    n.set("home_location", location());
    n.put("blocked", false);
    n.putObject("protection").put("delete", false);
    ObjectNode labels = n.putObject("labels");
    new TreeMap<>(f.labels()).forEach(labels::put);
    n.put("created", time(f.created()));
    return n;
  }

  static ObjectNode action(SimEntities.Action a) {
    ObjectNode n = object();
    n.put("id", a.id());
    n.put("command", a.command());
    n.put("status", a.status());
    n.put("progress", a.progress());
    n.put("started", time(a.started()));
    if (a.finished() == null) {
      n.putNull("finished");
    } else {
      n.put("finished", time(a.finished()));
    }
    ArrayNode resources = n.putArray("resources");
    for (SimEntities.Resource r : a.resources()) {
      resources.addObject().put("id", r.id()).put("type", r.type());
    }
    if (a.failed()) {
      n.putObject("error").put("code", "action_failed").put("message", "Action failed");
    } else {
      // hcloud-go treats any non-empty error.code as failure, so success must carry an explicit null.
      n.putNull("error");
    }
    return n;
  }

  static ObjectNode server(SimEntities.Server s, List<Long> floatingIps) {
    return server(s, floatingIps, "running");
  }

  /**
   * A server with the fields of Hetzner's server object (hcloud-go's schema.Server); {@code datacenter} is still
   * sent next to {@code location}, since clients built on older hcloud-go (Debian's hcloud CLI) read only it.
   */
  static ObjectNode server(SimEntities.Server s, List<Long> floatingIps, String status) {
    ServerCatalog.Location loc = ServerCatalog.location(s.location()).orElseThrow();
    ServerCatalog.ServerType st = ServerCatalog.serverType(s.serverType()).orElseThrow();
    ObjectNode n = object();
    n.put("id", s.id());
    n.put("name", s.name());
    n.put("status", status);
    n.put("created", time(s.created()));
    ObjectNode net = n.putObject("public_net");
    ObjectNode v4 = net.putObject("ipv4");
    // the id of the server's primary IP resource, which the simulator does not model otherwise
    v4.put("id", PRIMARY_IP_ID_BASE + s.id());
    v4.put("ip", s.publicIpv4());
    v4.put("blocked", false);
    v4.put("dns_ptr", "static." + reversed(s.publicIpv4()) + ".clients.your-server.de");
    net.putNull("ipv6");
    ArrayNode fips = net.putArray("floating_ips");
    floatingIps.forEach(fips::add);
    net.putArray("firewalls");
    n.putArray("private_net");
    ObjectNode type = n.putObject("server_type");
    type.put("id", st.id()).put("name", st.name()).put("description", st.description()).put("cores", st.cores())
        .put("memory", st.memory()).put("disk", st.disk()).put("storage_type", "local")
        .put("cpu_type", st.cpuType()).put("architecture", "x86");
    type.putArray("prices");
    ObjectNode dc = n.putObject("datacenter");
    dc.put("id", loc.datacenterId()).put("name", loc.datacenter()).put("description", loc.datacenterDescription());
    dc.set("location", location(loc));
    ObjectNode supported = dc.putObject("server_types");
    for (String k : List.of("supported", "available", "available_for_migration")) {
      ArrayNode ids = supported.putArray(k);
      ServerCatalog.SERVER_TYPES.forEach(t -> ids.add(t.id()));
    }
    n.set("location", location(loc));
    ObjectNode labels = n.putObject("labels");
    new TreeMap<>(s.labels()).forEach(labels::put);
    n.putObject("protection").put("delete", false).put("rebuild", false);
    n.put("locked", false);
    n.put("rescue_enabled", false);
    n.putNull("backup_window");
    if (s.image() == null) {
      n.putNull("image");
    } else {
      n.set("image", image(s.image(), s.created()));
    }
    n.putNull("iso");
    n.putNull("placement_group");
    n.put("primary_disk_size", st.disk());
    n.putArray("volumes");
    n.putArray("load_balancers");
    n.put("included_traffic", 21990232555520L);
    n.putNull("outgoing_traffic");
    n.putNull("ingoing_traffic");
    return n;
  }

  private static ObjectNode image(ServerCatalog.Image i, Instant serverCreated) {
    ObjectNode n = object();
    n.put("id", i.id());
    n.put("type", i.type());
    n.put("status", "available");
    if (i.name() == null) {
      n.putNull("name");
    } else {
      n.put("name", i.name());
    }
    n.put("description", i.description());
    if (i.type().equals("snapshot")) {
      n.put("image_size", 0.4);
    } else {
      n.putNull("image_size");
    }
    n.put("disk_size", i.diskSize());
    n.put("created", time(serverCreated.minusSeconds(86_400)));
    n.putNull("created_from");
    n.putNull("bound_to");
    n.put("os_flavor", i.osFlavor());
    if (i.osVersion() == null) {
      n.putNull("os_version");
    } else {
      n.put("os_version", i.osVersion());
    }
    n.put("rapid_deploy", i.rapidDeploy());
    n.putObject("protection").put("delete", false);
    n.putNull("deprecated");
    n.putNull("deleted");
    n.putObject("labels");
    n.put("architecture", "x86");
    return n;
  }

  static ObjectNode location() {
    return location(ServerCatalog.location(ServerCatalog.DEFAULT_LOCATION).orElseThrow());
  }

  static ObjectNode location(ServerCatalog.Location loc) {
    ObjectNode l = object();
    l.put("id", loc.id()).put("name", loc.name()).put("description", loc.description()).put("country", loc.country())
        .put("city", loc.city()).put("latitude", loc.latitude()).put("longitude", loc.longitude())
        .put("network_zone", "eu-central");
    return l;
  }

  static Map<String, String> labels(JsonNode node) {
    Map<String, String> out = new TreeMap<>();
    if (node != null && node.isObject()) {
      node.properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
    }
    return out;
  }

  private static String reversed(String ipv4) {
    String[] p = ipv4.split("\\.");
    StringBuilder sb = new StringBuilder();
    for (int i = p.length - 1; i >= 0; i--) {
      sb.append(p[i]).append(i > 0 ? "." : "");
    }
    return sb.toString();
  }
}
