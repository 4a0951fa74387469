package io.fipkeeper.bench.perf;

import io.fipkeeper.bench.AgentProcess;
import io.fipkeeper.bench.HttpJson;
import io.fipkeeper.bench.TestbedException;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * Start-to-ready of one agent JVM: from just before the process is started until {@code GET /readyz} answers
 * 200, polled every 10 ms. Includes the fork/exec of {@code ip netns exec}, JVM start-up, config, metadata,
 * etcd connection and the HTTP server: everything a restarted pod goes through before its readiness probe passes.
 */
final class ReadyTimer {
  private static final long POLL_NANOS = Duration.ofMillis(10).toNanos();
  private final HttpJson http = new HttpJson();

  /** Starts the agent and returns the milliseconds until it was ready; throws if it is not within the timeout. */
  long startAndTime(AgentProcess agent, Duration timeout) {
    long start = System.nanoTime();
    agent.start();
    String url = agent.node().httpUrl() + "/readyz";
    long deadline = start + timeout.toNanos();
    while (System.nanoTime() - deadline < 0) {
      try {
        if (http.get(url).status() == 200) {
          return (System.nanoTime() - start) / 1_000_000;
        }
      } catch (TestbedException e) {
        // not listening yet
      }
      if (!agent.isAlive()) {
        throw new TestbedException("agent " + agent.node().name() + " exited during start-up:\n" + agent.tail(10));
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
    throw new TestbedException("agent " + agent.node().name() + " not ready within " + timeout.toSeconds()
        + " s:\n" + agent.tail(10));
  }
}
