package io.fipkeeper.hcloud;

/**
 * The few fields of a Hetzner server the agent uses.
 *
 * @param publicIpv4 the primary public IPv4 address, or null when the server has none
 */
public record Server(long id, String name, String status, String publicIpv4) {}
