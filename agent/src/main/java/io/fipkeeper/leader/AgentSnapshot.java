package io.fipkeeper.leader;

import java.time.Instant;

/**
 * One agent's state as shown by {@code /status}, {@code fipkeeper status} and published in etcd. Never holds a secret.
 *
 * @param node this agent's node name
 * @param serverId this node's Hetzner server id (0 until known)
 * @param state the leader state machine's state
 * @param leader the node the election currently names leader, or null if none is known
 * @param floatingIp the floating IP address managed
 * @param assignedServer the server id Hetzner last reported for the IP (null = unassigned or unknown)
 * @param bound whether the address is bound on this node's interface
 * @param epoch the current term's revision if leading, else the last seen holder epoch (0 if none)
 * @param lastTransition when the state last changed
 * @param lastError the last error message (secret-free) or null
 * @param apiserverHealthy the local apiserver probe's verdict
 * @param credentialsRejected Hetzner's last verdict on the API token was a 401/403
 * @param lastResignation why this node last gave up a term it had won (secret-free) or null
 */
public record AgentSnapshot(
    String node,
    long serverId,
    State state,
    String leader,
    String floatingIp,
    Long assignedServer,
    boolean bound,
    long epoch,
    Instant lastTransition,
    String lastError,
    boolean apiserverHealthy,
    boolean credentialsRejected,
    String lastResignation) {}
