package io.fipkeeper.metrics;

import io.fipkeeper.leader.Action;
import io.fipkeeper.leader.AgentSnapshot;
import io.fipkeeper.leader.Event;
import io.fipkeeper.leader.State;
import io.fipkeeper.leader.runtime.LeaderObserver;
import java.time.Duration;
import java.util.Objects;

/**
 * Mirrors the leader loop into the Prometheus gauges and counters; called on the loop thread, never throws.
 *
 * <p>In observe mode the loop's facts are would-be facts: an observer holds nothing, so {@code fipkeeper_leader},
 * {@code fipkeeper_address_bound} and {@code fipkeeper_floating_ip_assigned_to_self} stay 0 and no failover is
 * recorded (the alerts built on them keep meaning what they say about the floating IP); what the observer would hold
 * goes to {@code fipkeeper_observe_would_hold} instead.
 */
public final class MetricsObserver implements LeaderObserver {
  private final AgentMetrics metrics;
  private final long serverId;
  private final boolean observing;

  public MetricsObserver(AgentMetrics metrics, long serverId) {
    this(metrics, serverId, false);
  }

  /** {@code observing}: the loop runs in observe mode. */
  public MetricsObserver(AgentMetrics metrics, long serverId, boolean observing) {
    this.metrics = metrics;
    this.serverId = serverId;
    this.observing = observing;
  }

  @Override
  public void onTransition(State from, State to, Event cause, AgentSnapshot snapshot) {
    metrics.recordTransition(from, to);
    onSnapshot(snapshot);
  }

  @Override
  public void onFailoverCompleted(Duration elapsed) {
    if (!observing) {
      metrics.recordFailover(elapsed);
    }
  }

  @Override
  public void onAction(Action action) {
    if (action instanceof Action.ReportGiveUp g) {
      metrics.recordGiveUp(g.reason());
    } else if (action instanceof Action.ReportRepair r) {
      metrics.recordRepair(r.repair());
    } else if (action instanceof Action.ReportVerifyDeferred) {
      metrics.recoveryVerifyDeferred();
    }
  }

  @Override
  public void onSnapshot(AgentSnapshot snapshot) {
    metrics.setCredentialsRejected(snapshot.credentialsRejected());
    boolean leading = snapshot.state() == State.LEADING;
    metrics.setLeader(leading && !observing);
    metrics.setWouldHold(leading && observing);
    metrics.setBound(snapshot.bound() && !observing);
    metrics.setAssignedToSelf(Objects.equals(snapshot.assignedServer(), serverId) && !observing);
    metrics.setEpoch(snapshot.epoch());
    if (snapshot.lastError() != null) {
      metrics.recordError(snapshot.lastTransition());
    }
  }
}
