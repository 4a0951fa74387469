package io.fipkeeper.hcloudsim;

import java.time.Instant;

/**
 * One mutating API call (assign or unassign POST, or server DELETE), whatever its outcome. A server deletion is
 * recorded once per floating IP it unassigned ({@code floatingIpId} that IP, {@code serverId} the deleted server),
 * or once with {@code floatingIpId} 0. {@code tokenLabel} is the label the token
 * was registered under (null when unauthenticated), never the token itself; {@code httpStatus} is 0 when the
 * connection was dropped.
 */
public record RecordedCall(
    Instant time,
    String tokenLabel,
    String method,
    String path,
    long floatingIpId,
    Long serverId,
    int httpStatus,
    String errorCode,
    Long actionId) {}
