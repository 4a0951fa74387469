package io.fipkeeper.hcloudsim;

/**
 * The per-server metadata service under {@code /metadata/{serverId}/hetzner/v1/metadata}: the YAML summary and the
 * plain-text leaves hcloud-go's metadata client reads. No auth and no rate limit, like 169.254.169.254.
 */
final class MetadataHandler {
  static final String AVAILABILITY_ZONE = "fsn1-dc14";
  static final String REGION = "eu-central";
  private static final String PREFIX = "/hetzner/v1/metadata";

  private final SimState state;

  MetadataHandler(SimState state) {
    this.state = state;
  }

  /** {@code rest} is the path after {@code /metadata}, e.g. {@code /3/hetzner/v1/metadata/hostname}. */
  SimResponse handle(SimRequest req, String rest) {
    String[] parts = rest.replaceFirst("^/", "").split("/", 2);
    SimEntities.Server server = parseServer(parts[0]);
    String leaf = parts.length == 2 ? "/" + parts[1] : "";
    if (server == null || !leaf.startsWith(PREFIX)) {
      return text(404, "not found");
    }
    if (!req.method().equals("GET")) {
      return text(405, "method not allowed");
    }
    FaultRule fault = state.takeFault(Endpoint.METADATA);
    if (fault != null && !fault.fault().shapesAction()) {
      return FaultResponses.of(fault, () -> serve(server, leaf.substring(PREFIX.length())));
    }
    return serve(server, leaf.substring(PREFIX.length()));
  }

  private SimResponse serve(SimEntities.Server s, String leaf) {
    return switch (leaf.replaceFirst("/$", "")) {
      case "" -> SimResponse.text(200, "text/yaml",
          "availability-zone: " + AVAILABILITY_ZONE + "\nhostname: " + s.name() + "\ninstance-id: " + s.id()
              + "\npublic-ipv4: " + s.publicIpv4() + "\nregion: " + REGION + "\n");
      case "/hostname" -> text(200, s.name());
      case "/instance-id" -> text(200, Long.toString(s.id()));
      case "/public-ipv4" -> text(200, s.publicIpv4());
      case "/availability-zone" -> text(200, AVAILABILITY_ZONE);
      case "/region" -> text(200, REGION);
      case "/private-networks" -> SimResponse.text(200, "text/yaml", "[]\n");
      default -> text(404, "not found");
    };
  }

  private SimEntities.Server parseServer(String raw) {
    try {
      return state.server(Long.parseLong(raw));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static SimResponse text(int status, String body) {
    return SimResponse.text(status, "text/plain", body);
  }
}
