package io.fipkeeper.hcloudsim;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Snapshots of simulator resources, handed out of {@link SimState}'s lock to the JSON writers. */
final class SimEntities {
  private SimEntities() {}

  /** A server; immutable. */
  record Server(long id, String name, String publicIpv4, Instant created) {}

  /** A floating IP as seen at one instant; {@code server} is null when unassigned. */
  record FloatingIp(
      long id, String name, String ip, String type, Long server, Map<String, String> labels, Instant created) {}

  /** A resource an action touches. */
  record Resource(long id, String type) {}

  /** An action as seen at one instant; {@code finished} is null while running. */
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
