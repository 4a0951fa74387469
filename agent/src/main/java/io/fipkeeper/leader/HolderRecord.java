package io.fipkeeper.leader;

import java.time.Instant;

/**
 * Who holds the floating IP, as published in etcd by the holder after assign+bind.
 *
 * @param node holder's node name
 * @param serverId holder's Hetzner server id (the IP is assigned to it)
 * @param floatingIp the address, e.g. {@code 203.0.113.10}
 * @param epoch the term's revision
 * @param since when the holder finished assign+bind
 */
public record HolderRecord(String node, long serverId, String floatingIp, long epoch, Instant since) {}
