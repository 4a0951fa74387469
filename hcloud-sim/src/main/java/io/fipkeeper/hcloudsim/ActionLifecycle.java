package io.fipkeeper.hcloudsim;

import java.time.Instant;
import java.util.List;

/**
 * One action and its time-driven lifecycle: {@code running} with rising progress for its duration, then
 * {@code success} or (when it was created with an injected ACTION_ERROR, or its target server was deleted while it
 * ran) {@code error}. The effect of a floating-IP action is applied once, by {@link SimState}, at the moment it
 * succeeds; server actions ({@code floatingIpId} 0) have their effect when they start. Guarded by SimState's lock.
 */
final class ActionLifecycle {
  final long id;
  final String command;
  final long floatingIpId;
  /** Assign: the target server. Unassign: the server the IP was on when the action started (may be null). */
  final Long serverId;
  private final Instant startedAt;
  private final long startNanos;
  private final long durationNanos;
  private boolean fails;
  private boolean applied;

  ActionLifecycle(
      long id, String command, long floatingIpId, Long serverId, Instant startedAt, long startNanos,
      long durationNanos, boolean fails) {
    this.id = id;
    this.command = command;
    this.floatingIpId = floatingIpId;
    this.serverId = serverId;
    this.startedAt = startedAt;
    this.startNanos = startNanos;
    this.durationNanos = durationNanos;
    this.fails = fails;
  }

  /** Makes a still-running action end in error (its target server was deleted); no-op once finished. */
  void failIfRunning(long nowNanos) {
    if (!isFinished(nowNanos)) {
      fails = true;
    }
  }

  boolean isFloatingIpAction() {
    return floatingIpId != 0;
  }

  boolean isFinished(long nowNanos) {
    return nowNanos - startNanos >= durationNanos;
  }

  boolean succeeded(long nowNanos) {
    return isFinished(nowNanos) && !fails;
  }

  /** True exactly once: the first time it is asked after the action finished. */
  boolean claimCompletion(long nowNanos) {
    if (applied || !isFinished(nowNanos)) {
      return false;
    }
    applied = true;
    return true;
  }

  SimEntities.Action view(long nowNanos) {
    boolean finished = isFinished(nowNanos);
    String status = !finished ? "running" : fails ? "error" : "success";
    int progress = finished ? 100 : (int) Math.min(99, (nowNanos - startNanos) * 100 / durationNanos);
    Instant finishedAt = finished ? startedAt.plusNanos(durationNanos) : null;
    List<SimEntities.Resource> resources = !isFloatingIpAction()
        ? List.of(new SimEntities.Resource(serverId, "server"))
        : serverId == null
        ? List.of(new SimEntities.Resource(floatingIpId, "floating_ip"))
        : List.of(new SimEntities.Resource(serverId, "server"), new SimEntities.Resource(floatingIpId, "floating_ip"));
    return new SimEntities.Action(id, command, status, progress, startedAt, finishedAt, resources, floatingIpId);
  }
}
