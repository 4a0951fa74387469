package io.fipkeeper.cli;

import io.fipkeeper.config.AgentConfig;

/** What the CLI starts once the configuration is valid; {@code Main} passes the real agent, tests a fake. */
public interface Launcher {
  /** Runs the agent until it stops; returns the exit code (0 ok, 1 runtime failure). */
  int run(AgentConfig config);

  /** Prints the status of the local agent; returns the exit code. */
  int status(AgentConfig config, boolean json);
}
