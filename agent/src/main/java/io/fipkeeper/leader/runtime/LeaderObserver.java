package io.fipkeeper.leader.runtime;

import io.fipkeeper.leader.Action;
import io.fipkeeper.leader.AgentSnapshot;
import io.fipkeeper.leader.Event;
import io.fipkeeper.leader.State;
import java.time.Duration;

/**
 * Watches the leader loop (metrics, HTTP status). Called on the loop thread: implementations must be quick and must
 * not throw (a throw is logged and ignored).
 */
public interface LeaderObserver {

  /** The state changed because of {@code cause}; {@code snapshot} is already the new one. */
  void onTransition(State from, State to, Event cause, AgentSnapshot snapshot);

  /** Assign and bind both completed for a term; {@code elapsed} counts from the election win. */
  void onFailoverCompleted(Duration elapsed);

  /** An action is about to run (count assigns, retries, unbinds...). */
  default void onAction(Action action) {}

  /** A newer snapshot without a state change (errors, assigned server, holder seen). */
  default void onSnapshot(AgentSnapshot snapshot) {}

  /** Observes nothing. */
  LeaderObserver NONE = new LeaderObserver() {
    @Override
    public void onTransition(State from, State to, Event cause, AgentSnapshot snapshot) {}

    @Override
    public void onFailoverCompleted(Duration elapsed) {}
  };
}
