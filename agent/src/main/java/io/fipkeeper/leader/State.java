package io.fipkeeper.leader;

/** The states of one agent's leadership, from the agent's own point of view. */
public enum State {
  /** Not campaigning (starting, apiserver unhealthy, or backing off); address not bound except in a handover window. */
  STANDBY,
  /** Lease granted and candidate key written; another node may be leader; address not bound except in a handover window. */
  CAMPAIGNING,
  /** Election won, lease confirmed; fencing + assign at Hetzner in progress; address bound. */
  ACQUIRING,
  /** Lease alive and confirmed, floating IP assigned to this server and bound locally. */
  LEADING,
  /** Keep-alives not confirmed inside the safe window: no assigns; address kept only while the IP still routes here (bounded). */
  SUSPENDED,
  /** Resigning (shutdown or apiserver unhealthy): no assigns; address kept until the next holder has the IP (bounded). */
  STEPPING_DOWN,
  /** Terminal: lease revoked, address removed, loops stopped. */
  STOPPED
}
