package io.fipkeeper.hcloudsim;

/** The endpoint classes faults can target and statistics are counted by. */
public enum Endpoint {
  /** Matches every endpoint (for fault rules only). */
  ANY,
  GET_FLOATING_IP,
  LIST_FLOATING_IPS,
  ASSIGN,
  UNASSIGN,
  /** {@code GET /actions/{id}} and {@code GET /floating_ips/{id}/actions/{aid}}. */
  GET_ACTION,
  /** {@code GET /actions?id=}, {@code GET /floating_ips/actions} and {@code GET /floating_ips/{id}/actions}. */
  LIST_ACTIONS,
  GET_SERVER,
  /** {@code GET /servers}. */
  LIST_SERVERS,
  /** {@code POST /servers}. */
  CREATE_SERVER,
  /** {@code DELETE /servers/{id}}. */
  DELETE_SERVER,
  /** {@code PUT /floating_ips/{id}}. */
  UPDATE_FLOATING_IP,
  /** Any path of the metadata service. */
  METADATA;

  boolean matches(Endpoint actual) {
    return this == ANY || this == actual;
  }
}
