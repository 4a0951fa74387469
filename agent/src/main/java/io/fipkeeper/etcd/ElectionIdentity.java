package io.fipkeeper.etcd;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Who wrote an election key: the value of every campaign key is {@code <node>/<server id>/<run id>}. Node and server
 * id together are the agent's identity (a reused node name on a new server is somebody else); the run id, random per
 * process, tells two runs of the same agent apart (a restart, or a surge pod still alive). Node names contain no
 * {@code /} (the configuration refuses them), so the value parses unambiguously. Keys written by older agents hold
 * the node name alone: they parse with server id 0 and no run id, and are never adopted.
 *
 * @param node the node name
 * @param serverId the Hetzner server id; 0 when the key does not record one
 * @param run the run id; empty when the key does not record one
 */
public record ElectionIdentity(String node, long serverId, String run) {
  private static final SecureRandom RANDOM = new SecureRandom();

  public ElectionIdentity {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(run, "run");
    if (node.isBlank() || node.contains("/")) {
      throw new IllegalArgumentException("node: must be non-blank without '/', got \"" + node + "\"");
    }
  }

  /** This process's identity on {@code serverId}, with a fresh run id. */
  public static ElectionIdentity of(String node, long serverId) {
    byte[] run = new byte[6];
    RANDOM.nextBytes(run);
    return new ElectionIdentity(node, serverId, HexFormat.of().formatHex(run));
  }

  /** Reads a campaign key's value; never throws (an unreadable value is a node name without identity). */
  static ElectionIdentity parse(String value) {
    String[] parts = value == null ? new String[] {""} : value.split("/", -1);
    String node = parts[0].isBlank() ? "?" : parts[0];
    if (parts.length == 3) {
      try {
        return new ElectionIdentity(node, Long.parseLong(parts[1]), parts[2]);
      } catch (NumberFormatException e) {
        // not ours: fall through
      }
    }
    return new ElectionIdentity(value == null || value.isBlank() || value.contains("/") ? node : value, 0, "");
  }

  /** The campaign value. */
  String value() {
    return node + "/" + serverId + "/" + run;
  }

  /** Same node and server, whatever the run: another run of the same agent (or this one). */
  boolean sameAgent(ElectionIdentity other) {
    return serverId != 0 && node.equals(other.node) && serverId == other.serverId;
  }
}
