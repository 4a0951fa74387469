package io.fipkeeper.hcloud;

import java.time.Instant;

/**
 * The rate-limit state Hetzner reported on the latest response ({@code RateLimit-*} headers).
 *
 * @param limit requests per hour for the project
 * @param remaining requests left in the bucket
 * @param reset when the bucket is full again (the header is a UNIX timestamp in seconds)
 */
public record RateLimit(int limit, int remaining, Instant reset) {}
