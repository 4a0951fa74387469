package io.fipkeeper;

import io.fipkeeper.config.AgentConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Placeholder for the agent wiring; the integrator replaces this class. */
public final class Agent {
  private static final Logger log = LoggerFactory.getLogger(Agent.class);

  private Agent() {}

  /** Runs the agent until shutdown; returns the process exit code (0 ok, 1 runtime failure). */
  public static int run(AgentConfig config) {
    log.error("agent wiring pending node={}", config.node());
    return 1;
  }

  /** Prints the local agent's status; returns the process exit code. */
  public static int status(AgentConfig config, boolean json) {
    log.error("agent wiring pending node={} json={}", config.node(), json);
    return 1;
  }
}
