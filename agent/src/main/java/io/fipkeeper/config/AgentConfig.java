package io.fipkeeper.config;

import io.fipkeeper.hcloud.FloatingIpRef;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The validated, immutable agent configuration. Built only by {@link ConfigLoader}, which has already checked
 * every rule in docs/configuration.md; consumers may rely on the invariants noted on each component. The token
 * is held as a {@link TokenSource}, so {@code toString()} of this record never shows it.
 *
 * @param node this agent's name in the election and in /status (non-blank, no '/' or whitespace)
 * @param floatingIp the IPv4 floating IP to keep
 * @param floatingIpV6 the optional IPv6 floating IP, moved together with the IPv4 one
 * @param interfaceName the interface to bind on, or {@code "auto"} for the default-route interface
 * @param handoverTimeout positive bound on keeping the address bound after resigning on purpose (shutdown, unhealthy
 *     apiserver) while waiting for the next holder
 * @param takeoverTimeout bound on one takeover; longer than {@code hcloud.requestTimeout}
 * @param mode {@link Mode#ACTIVE}, or {@link Mode#OBSERVE}: elect and report, never assign or change an address
 */
public record AgentConfig(
    String node,
    FloatingIpRef floatingIp,
    Optional<FloatingIpRef> floatingIpV6,
    HcloudSettings hcloud,
    EtcdSettings etcd,
    String interfaceName,
    BinderKind binder,
    ProbeSettings apiserver,
    Duration handoverTimeout,
    Duration takeoverTimeout,
    HttpSettings http,
    LogSettings log,
    Mode mode) {

  /** The {@link #interfaceName()} value meaning "the interface of the default route". */
  public static final String AUTO_INTERFACE = "auto";
  /** Appended to {@code etcd.prefix} in observe mode: observers never share a key with an active deployment. */
  public static final String OBSERVE_PREFIX_SUFFIX = "/observe";

  public AgentConfig {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(floatingIp, "floatingIp");
    Objects.requireNonNull(floatingIpV6, "floatingIpV6");
    Objects.requireNonNull(hcloud, "hcloud");
    Objects.requireNonNull(etcd, "etcd");
    Objects.requireNonNull(interfaceName, "interfaceName");
    Objects.requireNonNull(binder, "binder");
    Objects.requireNonNull(apiserver, "apiserver");
    Objects.requireNonNull(handoverTimeout, "handoverTimeout");
    Objects.requireNonNull(takeoverTimeout, "takeoverTimeout");
    Objects.requireNonNull(http, "http");
    Objects.requireNonNull(log, "log");
    Objects.requireNonNull(mode, "mode");
  }

  /**
   * The etcd key prefix of this agent's election: {@code etcd.prefix}, or {@code etcd.prefix + "/observe"} in observe
   * mode. Observers therefore campaign, publish and adopt leases only among themselves: an active agent (or Talos)
   * never sees their keys, and switching from observe to active starts from a clean election.
   */
  public String electionPrefix() {
    return mode == Mode.OBSERVE ? etcd.prefix() + OBSERVE_PREFIX_SUFFIX : etcd.prefix();
  }

  /** What the agent does with what its election decides. */
  public enum Mode {
    /** The leader assigns the floating IP to its server and binds the address: the normal mode. */
    ACTIVE,
    /**
     * The agent runs the election and reads Hetzner and the kernel as in {@link #ACTIVE}, but never assigns the
     * floating IP or adds or removes an address: it reports what it would do ({@code /status}, metrics, log), so it
     * can run for days beside another controller (Talos' VIP, keepalived) before it takes over.
     */
    OBSERVE
  }

  /** Which {@code AddressBinder} the agent uses. */
  public enum BinderKind {
    /** {@code IpCommandBinder}: real changes through {@code ip addr}, needs NET_ADMIN. */
    IP,
    /** {@code RecordingBinder}: changes nothing, records what it would do (tests, demos). */
    RECORDING
  }
}
