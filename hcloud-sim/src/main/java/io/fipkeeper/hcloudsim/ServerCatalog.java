package io.fipkeeper.hcloudsim;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The fixed catalogue {@code POST /servers} chooses from: a few real server types, locations with their data
 * centre, two system images and one snapshot (standing for the Talos image an installer such as ksail snapshots).
 * Names, ids and sizes follow Hetzner's public API examples; prices and deprecation data are left out.
 */
final class ServerCatalog {
  static final String DEFAULT_TYPE = "cx22";
  static final String DEFAULT_LOCATION = "fsn1";
  /** The snapshot id the testbed creates servers from. */
  static final long TALOS_SNAPSHOT_ID = 300_000_001L;

  /** A server type: {@code memory} in GB, {@code disk} in GB. */
  record ServerType(long id, String name, String description, int cores, double memory, int disk, String cpuType) {}

  /** A location and the one data centre the simulator puts servers in there. */
  record Location(long id, String name, String description, String country, String city, double latitude,
      double longitude, long datacenterId, String datacenter, String datacenterDescription) {}

  /** An image: {@code name} is null for snapshots (Hetzner names only system images), as in the API. */
  record Image(long id, String type, String name, String description, double diskSize, String osFlavor,
      String osVersion, boolean rapidDeploy) {}

  static final List<ServerType> SERVER_TYPES = List.of(
      new ServerType(22, "cx22", "CX22", 2, 4.0, 40, "shared"),
      new ServerType(23, "cx32", "CX32", 4, 8.0, 80, "shared"),
      new ServerType(24, "cx42", "CX42", 8, 16.0, 160, "shared"),
      new ServerType(96, "ccx13", "CCX13 Dedicated CPU", 2, 8.0, 80, "dedicated"));

  static final Map<String, Location> LOCATIONS = Map.of(
      "fsn1", new Location(1, "fsn1", "Falkenstein DC Park 1", "DE", "Falkenstein", 50.47612, 12.370071, 4,
          "fsn1-dc14", "Falkenstein 1 virtual DC 14"),
      "nbg1", new Location(2, "nbg1", "Nuremberg DC Park 1", "DE", "Nuremberg", 49.452102, 11.076665, 2, "nbg1-dc3",
          "Nuremberg 1 virtual DC 3"),
      "hel1", new Location(3, "hel1", "Helsinki DC Park 1", "FI", "Helsinki", 60.169855, 24.938379, 3, "hel1-dc2",
          "Helsinki 1 virtual DC 2"));

  static final List<Image> IMAGES = List.of(
      new Image(114_690_387L, "system", "debian-12", "Debian 12", 5, "debian", "12", true),
      new Image(161_547_269L, "system", "ubuntu-24.04", "Ubuntu 24.04", 5, "ubuntu", "24.04", true),
      new Image(TALOS_SNAPSHOT_ID, "snapshot", null, "talos-v1.12.4 (snapshot of the Talos installer image)", 1,
          "unknown", null, false));

  private ServerCatalog() {}

  static Optional<ServerType> serverType(String idOrName) {
    return SERVER_TYPES.stream().filter(t -> t.name().equals(idOrName) || Long.toString(t.id()).equals(idOrName))
        .findFirst();
  }

  static Optional<Location> location(String name) {
    return Optional.ofNullable(LOCATIONS.get(name));
  }

  /** An image by id (any type) or by name (system images only, as at Hetzner). */
  static Optional<Image> image(String idOrName) {
    return IMAGES.stream()
        .filter(i -> Long.toString(i.id()).equals(idOrName) || (i.name() != null && i.name().equals(idOrName)))
        .findFirst();
  }
}
