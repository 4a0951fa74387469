package io.fipkeeper.hcloudsim;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Snapshots of simulator resources, handed out of {@link SimState}'s lock to the JSON writers. */
final class SimEntities {
  private SimEntities() {}

  /**
   * A server; immutable. {@code serverType} and {@code location} are names from {@link ServerCatalog};
   * {@code image} is null for servers made by the control API (no image recorded), and
   * {@code createActionId} is the id of its create_server action (0 when made by the control API: running at once).
   */
  record Server(long id, String name, String publicIpv4, Instant created, String serverType, String location,
      ServerCatalog.Image image, Map<String, String> labels, long createActionId) {

    Server(long id, String name, String publicIpv4, Instant created) {
      this(id, name, publicIpv4, created, ServerCatalog.DEFAULT_TYPE, ServerCatalog.DEFAULT_LOCATION, null, Map.of(), 0);
    }
  }

  /** A floating IP as seen at one instant; {@code server} is null when unassigned, {@code description} may be null. */
  record FloatingIp(
      long id, String name, String ip, String type, Long server, Map<String, String> labels, Instant created,
      String description) {

    FloatingIp(long id, String name, String ip, String type, Long server, Map<String, String> labels, Instant created) {
      this(id, name, ip, type, server, labels, created, null);
    }

    FloatingIp withServer(Long newServer) {
      return new FloatingIp(id, name, ip, type, newServer, labels, created, description);
    }
  }

  /** A resource an action touches. */
  record Resource(long id, String type) {}

  /** An action as seen at one instant; {@code finished} is null while running; {@code floatingIpId} 0 for server actions. */
  record Action(
      long id,
      String command,
      String status,
      int progress,
      Instant started,
      Instant finished,
      List<Resource> resources,
      long floatingIpId) {

    boolean failed() {
      return "error".equals(status);
    }
  }
}
