package io.fipkeeper.hcloudsim;

/** Snapshot of the project's token bucket, as the RateLimit-* headers report it. */
public record RateLimitState(int limit, int remaining, long resetEpochSeconds) {}
