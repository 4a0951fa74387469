package io.fipkeeper.bench;

import io.fipkeeper.bench.keepalived.StatusResponderMain;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for each node's own service on the floating IP (the kube-apiserver in production): a tiny HTTP
 * responder on every node, independent of the agent. Probing it through the floating IP measures what clients of
 * the endpoint see when only the agent restarts: the agent's own port goes dark while its JVM starts, the node's
 * service does not unless the address is removed or moved. Each responder exits when the harness is gone (its stdin
 * closes).
 */
public final class NodeServices implements AutoCloseable {
  private final List<Process> responders = new ArrayList<>();

  private NodeServices() {}

  /** Starts one responder per node on {@code 0.0.0.0:port} inside its namespace. */
  public static NodeServices start(Testbed bed, int port) {
    NodeServices s = new NodeServices();
    try {
      for (Node n : bed.nodes()) {
        List<String> argv = n.command(List.of(JavaCommand.java(), "-Xmx16m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-cp", JavaCommand.classpath(), StatusResponderMain.class.getName(), n.name(),
            Integer.toString(port)));
        Path log = bed.workDir().resolve("service-" + n.name() + ".log");
        s.responders.add(new ProcessBuilder(argv).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start());
      }
    } catch (IOException e) {
      s.close();
      throw new TestbedException("cannot start the node services: " + e.getMessage(), e);
    }
    return s;
  }

  @Override
  public void close() {
    for (Process p : responders) {
      p.destroyForcibly();
      try {
        p.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
