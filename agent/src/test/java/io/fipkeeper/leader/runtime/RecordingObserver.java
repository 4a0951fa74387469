package io.fipkeeper.leader.runtime;

import io.fipkeeper.leader.Action;
import io.fipkeeper.leader.AgentSnapshot;
import io.fipkeeper.leader.Event;
import io.fipkeeper.leader.State;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what a {@link LeaderObserver} is told. */
final class RecordingObserver implements LeaderObserver {
  final List<String> transitions = new CopyOnWriteArrayList<>();
  final List<Duration> failovers = new CopyOnWriteArrayList<>();
  final List<Action> actions = new CopyOnWriteArrayList<>();

  @Override
  public void onTransition(State from, State to, Event cause, AgentSnapshot snapshot) {
    transitions.add(from + "->" + to + " on " + cause.getClass().getSimpleName());
  }

  @Override
  public void onFailoverCompleted(Duration elapsed) {
    failovers.add(elapsed);
  }

  @Override
  public void onAction(Action action) {
    actions.add(action);
  }
}
