package io.fipkeeper.leader;

/**
 * What the election store last said about other agents.
 *
 * @param leader the node the election last named leader (null: none)
 * @param holder the last holder record seen (null: none)
 */
public record Peers(String leader, HolderRecord holder) {
  static final Peers NONE = new Peers(null, null);

  Peers withLeader(String node) {
    return new Peers(node, holder);
  }

  Peers withHolder(HolderRecord h) {
    return new Peers(leader, h);
  }
}
