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
    n.putNull("description");
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
    ObjectNode n = object();
    n.put("id", s.id());
    n.put("name", s.name());
    n.put("status", "running");
    n.put("created", time(s.created()));
    ObjectNode net = n.putObject("public_net");
    ObjectNode v4 = net.putObject("ipv4");
    v4.putNull("id");
    v4.put("ip", s.publicIpv4());
    v4.put("blocked", false);
    v4.put("dns_ptr", "static." + reversed(s.publicIpv4()) + ".clients.your-server.de");
    net.putNull("ipv6");
    ArrayNode fips = net.putArray("floating_ips");
    floatingIps.forEach(fips::add);
    net.putArray("firewalls");
    n.putArray("private_net");
    ObjectNode type = n.putObject("server_type");
    type.put("id", 1).put("name", "cx22").put("description", "CX22").put("cores", 2).put("memory", 4.0)
        .put("disk", 40).put("architecture", "x86");
    ObjectNode dc = n.putObject("datacenter");
    dc.put("id", 4).put("name", "fsn1-dc14").put("description", "Falkenstein 1 virtual DC 14");
    dc.set("location", location());
    n.putObject("labels");
    n.putObject("protection").put("delete", false).put("rebuild", false);
    n.put("locked", false);
    n.put("rescue_enabled", false);
    n.putNull("image");
    n.putNull("iso");
    n.putNull("placement_group");
    n.put("primary_disk_size", 40);
    n.putArray("volumes");
    n.putArray("load_balancers");
    n.put("included_traffic", 21990232555520L);
    n.putNull("outgoing_traffic");
    n.putNull("ingoing_traffic");
    return n;
  }

  static ObjectNode location() {
    ObjectNode l = object();
    l.put("id", 1).put("name", "fsn1").put("description", "Falkenstein DC Park 1").put("country", "DE")
        .put("city", "Falkenstein").put("latitude", 50.47612).put("longitude", 12.370071)
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
