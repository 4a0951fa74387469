package io.fipkeeper.hcloudsim;

import java.time.Instant;

/**
 * One mutating API call (assign or unassign POST), whatever its outcome. {@code tokenLabel} is the label the token
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
