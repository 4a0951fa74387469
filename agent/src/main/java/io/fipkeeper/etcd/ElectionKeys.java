package io.fipkeeper.etcd;

import io.etcd.jetcd.ByteSequence;
import java.nio.charset.StandardCharsets;

/**
 * The key layout documented on {@link io.fipkeeper.leader.port.ElectionBackend}: {@code P/F/election/<lease-hex>},
 * {@code P/F/holder}, {@code P/F/agents/<node>}. The election keys themselves are named by etcd's election service
 * ({@code <election name>/<lease id in hex>}).
 */
record ElectionKeys(String base) {

  /** {@code prefix} like {@code /fipkeeper} (a trailing slash is dropped), {@code floatingIp} like {@code 203.0.113.10}. */
  static ElectionKeys of(String prefix, String floatingIp) {
    if (floatingIp == null || floatingIp.isBlank() || floatingIp.contains("/")) {
      throw new IllegalArgumentException("floatingIp: must be a single address without '/', got \"" + floatingIp + "\"");
    }
    String p = prefix == null ? "" : prefix.strip();
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return new ElectionKeys(p + "/" + floatingIp);
  }

  /** The election name handed to etcd's election service; candidates' keys are {@code name + "/" + hex(lease)}. */
  ByteSequence electionName() {
    return bytes(base + "/election");
  }

  ByteSequence electionPrefix() {
    return bytes(base + "/election/");
  }

  /** This agent's key in the election for {@code lease}, as etcd's election service names it. */
  ByteSequence candidate(long lease) {
    return bytes(base + "/election/" + Long.toHexString(lease));
  }

  ByteSequence holder() {
    return bytes(base + "/holder");
  }

  ByteSequence agentsPrefix() {
    return bytes(base + "/agents/");
  }

  ByteSequence agent(String node) {
    return bytes(base + "/agents/" + node);
  }

  static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  static String string(ByteSequence b) {
    return b.toString(StandardCharsets.UTF_8);
  }
}
