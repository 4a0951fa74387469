package io.fipkeeper.hcloud;

import io.fipkeeper.leader.Event.Failure;
import io.fipkeeper.leader.port.FloatingIpTakeover;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves one floating IP to this node's server. Guarantees: no POST when the IP is already here; the fence is
 * consulted right before every assign POST and a refusal means no POST; a {@code locked} answer (another
 * action running on the IP) is handled by waiting for the running actions and trying again, a bounded number
 * of times; the result is what Hetzner reports after the action finished. Never unassigns.
 *
 * <p>A takeover runs on the {@linkplain HcloudClient#urgent() urgent} view of the client (short retries while the
 * budget allows: the endpoint may be dark); reads of the current state use the plain one. A 401/403 is reported as
 * {@link Failure#CREDENTIALS}, never retried. Meant for one Hetzner worker thread; the resolved floating IP is
 * cached after the first lookup (dropped again when a name/selector-resolved id stops existing).
 */
public final class FloatingIpAssigner implements FloatingIpTakeover {
  private static final Logger log = LoggerFactory.getLogger(FloatingIpAssigner.class);
  /** Assign attempts answered {@code locked} before giving up for this takeover. */
  static final int MAX_LOCKED_ATTEMPTS = 3;

  private final HcloudClient client;
  private final HcloudClient urgent;
  private final FloatingIpRef ref;
  private final long serverId;
  private final Duration pollInterval;
  private final Duration actionTimeout;
  private volatile FloatingIp resolved;

  public FloatingIpAssigner(HcloudClient client, FloatingIpRef ref, long serverId, Duration pollInterval,
      Duration actionTimeout) {
    this.client = Objects.requireNonNull(client, "client");
    this.urgent = client.urgent();
    this.ref = Objects.requireNonNull(ref, "ref");
    if (serverId <= 0) {
      throw new IllegalArgumentException("serverId must be positive, got " + serverId);
    }
    this.serverId = serverId;
    this.pollInterval = requirePositive("pollInterval", pollInterval);
    this.actionTimeout = requirePositive("actionTimeout", actionTimeout);
  }

  @Override
  public long takeOver(BooleanSupplier fence) throws TakeoverException {
    Objects.requireNonNull(fence, "fence");
    FloatingIp fip = fetch(urgent);
    if (fip.assignedTo(serverId)) {
      log.debug("floating ip already assigned here fip={} to={}", fip.id(), serverId);
      return serverId;
    }
    Fence guard = new Fence(fence);
    HcloudAction action = null;
    for (int attempt = 1; action == null; attempt++) {
      log.info("assigning floating ip fip={} from={} to={}", fip.id(), fip.server(), serverId);
      try {
        // the fence runs right before every POST, the client's own retries included
        action = urgent.assignFloatingIp(fip.id(), serverId, guard);
      } catch (HcloudException e) {
        if (HcloudException.FENCED.equals(e.code())) {
          throw guard.refusal(fip.id());
        }
        if (!e.isLocked()) {
          throw failure("assign", e);
        }
        if (attempt == MAX_LOCKED_ATTEMPTS) {
          throw new TakeoverException("floating ip " + fip.id() + " still locked after " + attempt
              + " assign attempts: " + e.getMessage(), Failure.RETRYABLE, e);
        }
        log.info("floating ip locked, waiting for running actions fip={} attempt={}", fip.id(), attempt);
        waitForRunningActions(fip.id(), attempt);
        fip = fetch(urgent);
        if (fip.assignedTo(serverId)) {
          return serverId;
        }
      }
    }
    try {
      action = urgent.waitForAction(action, pollInterval, actionTimeout);
    } catch (HcloudException e) {
      throw failure("wait for assign action " + action.id(), e);
    }
    fip = fetch(urgent);
    if (fip.server() == null) {
      throw new TakeoverException("floating ip " + fip.id() + " is unassigned after assign action "
          + action.id() + " succeeded", Failure.RETRYABLE, null);
    }
    log.info("floating ip assigned fip={} to={} action={}", fip.id(), fip.server(), action.id());
    return fip.server();
  }

  @Override
  public Long currentServer() throws TakeoverException {
    return fetch().server();
  }

  /**
   * The address to bind; resolves the floating IP on first use.
   *
   * @throws IllegalStateException when the floating IP cannot be resolved (message says why)
   */
  @Override
  public String address() {
    FloatingIp fip = resolved;
    if (fip == null) {
      try {
        fip = fetch();
      } catch (TakeoverException e) {
        throw new IllegalStateException(e.getMessage(), e);
      }
    }
    return fip.bindAddress();
  }

  /** Looks the floating IP up (cached id afterwards) and returns its current state: one request. */
  public FloatingIp fetch() throws TakeoverException {
    return fetch(client);
  }

  private FloatingIp fetch(HcloudClient via) throws TakeoverException {
    FloatingIp known = resolved;
    if (known == null) {
      resolved = lookup(via, ref);
      return resolved;
    }
    try {
      FloatingIp fresh = via.getFloatingIp(known.id());
      resolved = fresh;
      return fresh;
    } catch (HcloudException e) {
      if (e.isNotFound() && !(ref instanceof FloatingIpRef.Id)) {
        resolved = null; // deleted and maybe recreated under the same name or labels: look it up again
        throw new TakeoverException("floating ip " + known.id() + " (" + ref + ") no longer exists: "
            + e.getMessage(), Failure.RETRYABLE, e);
      }
      throw failure("read floating ip " + known.id(), e);
    }
  }

  /**
   * Finds the floating IP a reference names (by id, exact name, or a label selector that must match exactly one):
   * one request, or one per page for a selector. Used at start-up and by {@code fipkeeper status}.
   */
  public static FloatingIp lookup(HcloudClient client, FloatingIpRef ref) throws TakeoverException {
    try {
      if (ref instanceof FloatingIpRef.Id id) {
        return client.getFloatingIp(id.id());
      }
      if (ref instanceof FloatingIpRef.Name name) {
        return client.findFloatingIpByName(name.name()).orElseThrow(() -> new TakeoverException(
            "no floating ip with name \"" + name.name() + "\" exists in the project", false, false, null));
      }
      FloatingIpRef.Selector selector = (FloatingIpRef.Selector) ref;
      List<FloatingIp> matches = client.listFloatingIps(selector.selector());
      if (matches.size() != 1) {
        throw new TakeoverException("label selector \"" + selector.selector() + "\" matched " + matches.size()
            + " floating ips" + (matches.isEmpty() ? "" : " (ids " + matches.stream().map(f -> String.valueOf(
                f.id())).reduce((a, b) -> a + ", " + b).orElse("") + ")") + "; it must match exactly one",
            false, false, null);
      }
      return matches.get(0);
    } catch (HcloudException e) {
      if (e.isNotFound() && ref instanceof FloatingIpRef.Id) {
        throw new TakeoverException("floating ip " + ref + " does not exist: " + e.getMessage(), false, false, e);
      }
      throw failure("look up floating ip " + ref, e);
    }
  }

  /** The leader's fence as the client's guard; an exception counts as a refusal and is kept for the report. */
  private final class Fence implements BooleanSupplier {
    private final BooleanSupplier delegate;
    private RuntimeException failure;

    Fence(BooleanSupplier delegate) {
      this.delegate = delegate;
    }

    @Override
    public boolean getAsBoolean() {
      try {
        return delegate.getAsBoolean();
      } catch (RuntimeException e) {
        // an unanswerable fence is a refusal: assigning without proof of leadership is the one unsafe move
        failure = e;
        return false;
      }
    }

    TakeoverException refusal(long fipId) {
      log.info("assign fenced off fip={} to={}", fipId, serverId);
      if (failure != null) {
        return new TakeoverException("fencing check failed before assigning floating ip " + fipId + ": "
            + failure.getMessage(), false, true, failure);
      }
      return new TakeoverException("fencing check refused the assign of floating ip " + fipId
          + ": this node is no longer the leader", false, true, null);
    }
  }

  /** Waits for whatever runs on the IP; when nothing is visible (the lock is the server's) pauses instead. */
  private void waitForRunningActions(long fipId, int attempt) throws TakeoverException {
    List<HcloudAction> running;
    try {
      running = urgent.listFloatingIpActions(fipId, HcloudAction.RUNNING);
    } catch (HcloudException e) {
      throw failure("list running actions of floating ip " + fipId, e);
    }
    if (running.isEmpty()) {
      try {
        urgent.sleeper().sleep(pollInterval.multipliedBy(attempt));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TakeoverException("interrupted while floating ip " + fipId + " was locked", Failure.RETRYABLE, e);
      }
      return;
    }
    for (HcloudAction action : running) {
      try {
        urgent.waitForAction(action, pollInterval, actionTimeout);
      } catch (ActionFailedException e) {
        log.info("running action failed fip={} action={} error={}", fipId, action.id(), e.code());
      } catch (HcloudException e) {
        throw failure("wait for running action " + action.id() + " on floating ip " + fipId, e);
      }
    }
  }

  private static TakeoverException failure(String step, HcloudException e) {
    Failure kind = e.credentialsRejected() ? Failure.CREDENTIALS
        : e.retryable() ? Failure.RETRYABLE : Failure.PERMANENT;
    return new TakeoverException(step + " failed: " + e.getMessage(), kind, e);
  }

  private static Duration requirePositive(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
    return value;
  }
}
