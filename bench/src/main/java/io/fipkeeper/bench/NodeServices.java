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
  /** One responder per node slot (index = slot - 1). */
  private final List<Process> responders = new ArrayList<>();
  private final Testbed bed;
  private final int port;

  private NodeServices(Testbed bed, int port) {
    this.bed = bed;
    this.port = port;
  }

  /** Starts one responder per node on {@code 0.0.0.0:port} inside its namespace. */
  public static NodeServices start(Testbed bed, int port) {
    NodeServices s = new NodeServices(bed, port);
    try {
      for (Node n : bed.nodes()) {
        s.responders.add(s.responder(n));
      }
    } catch (IOException e) {
      s.close();
      throw new TestbedException("cannot start the node services: " + e.getMessage(), e);
    }
    return s;
  }

  /**
   * Node slot i was replaced ({@link Testbed#replace}): its namespace is a new one, and the old responder still serves
   * in the old, deleted one, so the new node would have no service at all and every probe through the floating IP
   * would fail while it holds the IP. Starts a responder in the new namespace.
   */
  synchronized void replaced(int i, Node fresh) {
    stop(responders.get(i - 1));
    try {
      responders.set(i - 1, responder(fresh));
    } catch (IOException e) {
      throw new TestbedException("cannot start the node service of " + fresh.name() + ": " + e.getMessage(), e);
    }
  }

  private Process responder(Node n) throws IOException {
    List<String> argv = n.command(List.of(JavaCommand.java(), "-Xmx16m", "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1", "-cp", JavaCommand.classpath(), StatusResponderMain.class.getName(), n.name(),
        Integer.toString(port)));
    Path log = bed.workDir().resolve("service-" + n.name() + ".log");
    return new ProcessBuilder(argv).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
  }

  private static void stop(Process p) {
    p.destroyForcibly();
    try {
      p.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public synchronized void close() {
    responders.forEach(NodeServices::stop);
  }
}
