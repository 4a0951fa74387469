package io.fipkeeper.leader;

/** The states of one agent's leadership, from the agent's own point of view. */
public enum State {
  /** Not campaigning (starting, apiserver unhealthy, or sitting out); address bound only while Hetzner routes the IP here. */
  STANDBY,
  /** Lease granted and candidate key written; another node may be leader; address bound only while Hetzner routes the IP here. */
  CAMPAIGNING,
  /** Election won, lease confirmed; fencing + assign at Hetzner in progress, bounded by takeoverTimeout; address bound. */
  ACQUIRING,
  /** Lease alive and confirmed, floating IP assigned to this server and bound locally (both re-checked). */
  LEADING,
  /** Keep-alives not confirmed inside the safe window: no assigns; address kept while the IP still routes here. */
  SUSPENDED,
  /** Resigning on purpose (shutdown or apiserver unhealthy): address kept until the next holder has the IP (bounded). */
  STEPPING_DOWN,
  /** Terminal: after a graceful stop (lease revoked, address removed), or superseded by a newer run of this agent. */
  STOPPED
}
