package io.fipkeeper.metrics;

import io.fipkeeper.leader.Action;
import io.fipkeeper.leader.AgentSnapshot;
import io.fipkeeper.leader.Event;
import io.fipkeeper.leader.State;
import io.fipkeeper.leader.runtime.LeaderObserver;
import io.fipkeeper.metrics.AgentMetrics;
import java.time.Duration;
import java.util.Objects;

/** Mirrors the leader loop into the Prometheus gauges and counters; called on the loop thread, never throws. */
public final class MetricsObserver implements LeaderObserver {
  private final AgentMetrics metrics;
  private final long serverId;

  public MetricsObserver(AgentMetrics metrics, long serverId) {
    this.metrics = metrics;
    this.serverId = serverId;
  }

  @Override
  public void onTransition(State from, State to, Event cause, AgentSnapshot snapshot) {
    metrics.recordTransition(from, to);
    onSnapshot(snapshot);
  }

  @Override
  public void onFailoverCompleted(Duration elapsed) {
    metrics.recordFailover(elapsed);
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
    metrics.setLeader(snapshot.state() == State.LEADING);
    metrics.setBound(snapshot.bound());
    metrics.setAssignedToSelf(Objects.equals(snapshot.assignedServer(), serverId));
    metrics.setEpoch(snapshot.epoch());
    if (snapshot.lastError() != null) {
      metrics.recordError(snapshot.lastTransition());
    }
  }
}
