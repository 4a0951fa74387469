package io.fipkeeper.bench.chaos;

import java.time.Instant;

/**
 * One thing that happened on a node, on the wall clock: a state change or an address bind/unbind read from the
 * agent's (or keepalived's notify script's) log, or something the harness did to the node (killed, started).
 * {@code state} is the state the node is in after the event, or null when the event does not change it.
 */
public record NodeEvent(Instant at, String node, Kind kind, String state, String line) {

  /** What kind of event a line was. */
  public enum Kind {
    /** A state change; {@code state} is the new state. */
    STATE,
    /** The floating address was bound on the node. */
    BOUND,
    /** The floating address was removed from the node. */
    UNBOUND,
    /** The harness acted on the node; {@code state} is DOWN after a kill, STANDBY after a fresh start, else null. */
    HARNESS
  }

  /** State of a node whose process the harness killed. */
  public static final String DOWN = "DOWN";

  public static NodeEvent harness(Instant at, String node, String what, String state) {
    return new NodeEvent(at, node, Kind.HARNESS, state, "harness " + what + " node=" + node);
  }

  /** The line as printed in a violation report. */
  public String describe() {
    return at + " " + node + ": " + line;
  }
}
