package io.fipkeeper.bench.chaos;

import io.fipkeeper.bench.AgentProcess;
import io.fipkeeper.bench.AgentStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * Polls every agent's {@code /status} on its own thread and records each change of state it sees as a
 * {@link NodeEvent} on the true clock: the view of the rules that must not trust an agent's own log timestamps (an
 * agent whose wall clock was stepped), and a second witness of leadership changes everywhere else. A poll that gets
 * no answer records nothing (a dead agent is recorded by the harness when it kills it).
 */
final class StatusWatch implements AutoCloseable {
  private final List<AgentProcess> agents;
  private final Duration interval;
  private final List<NodeEvent> events = new ArrayList<>();
  private final Map<String, String> last = new HashMap<>();
  private final Thread thread;
  private volatile boolean running = true;

  private StatusWatch(List<AgentProcess> agents, Duration interval) {
    this.agents = agents;
    this.interval = interval;
    this.thread = new Thread(this::loop, "status-watch");
    this.thread.setDaemon(true);
  }

  static StatusWatch start(List<AgentProcess> agents, Duration interval) {
    StatusWatch w = new StatusWatch(agents, interval);
    w.thread.start();
    return w;
  }

  private void loop() {
    while (running) {
      for (AgentProcess a : agents) {
        Optional<AgentStatus> st = a.isAlive() ? a.status() : Optional.empty();
        st.ifPresent(s -> record(a.node().name(), s));
      }
      LockSupport.parkNanos(interval.toNanos());
    }
  }

  private synchronized void record(String node, AgentStatus s) {
    String state = s.state();
    if (state != null && !state.equals(last.put(node, state))) {
      events.add(new NodeEvent(Instant.now(), node, NodeEvent.Kind.STATE, state,
          "polled /status state=" + state + " bound=" + s.bound()));
    }
  }

  /** Stops polling and returns what it saw. */
  synchronized List<NodeEvent> stop() {
    running = false;
    return List.copyOf(events);
  }

  @Override
  public void close() {
    running = false;
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
