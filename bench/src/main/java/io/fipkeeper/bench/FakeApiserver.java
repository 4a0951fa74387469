package io.fipkeeper.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A node's kube-apiserver: {@link ApiserverMain} as a process on the node (inside its namespace on the namespace
 * testbed, listening on 0.0.0.0:6443 like the real one, so the agent's probe of 127.0.0.1 and kubectl's requests to
 * the floating IP reach it), speaking TLS with a certificate of the testbed CA. {@code healthy(false)} makes
 * {@code /readyz} answer 500; {@code probes()} counts health requests. Controlled through the process's stdin;
 * the process exits when the harness goes away.
 */
public final class FakeApiserver implements AutoCloseable {
  public static final int PORT = 6443;
  private static final Duration ANSWER = Duration.ofSeconds(10);

  private final String node;
  private final String url;
  private final Process process;
  private final Writer control;
  private final BufferedReader replies;
  private volatile boolean healthy = true;

  private FakeApiserver(String node, String url, Process process) {
    this.node = node;
    this.url = url;
    this.process = process;
    this.control = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    this.replies = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  /**
   * Starts the apiserver of {@code node} on {@code listen} (e.g. {@code 0.0.0.0:6443}) with the PKCS#12 key
   * store, waits until it serves; {@code probeUrl} is what a local agent probes, {@code advertise} its IP:port.
   */
  public static FakeApiserver start(Node node, String listen, String advertise, String probeUrl, Path keystore,
      Path log) {
    List<String> argv = new ArrayList<>(node.prefix());
    // The JDK's HTTPS server looks up every client's host name (SSLStreams): with no DNS reachable from a node
    // namespace each lookup hangs for the resolver's timeouts and the server stops answering within seconds. An
    // empty hosts file of its own makes every lookup fail at once, and no query ever leaves the machine.
    Path hosts = log.resolveSibling("apiserver-hosts");
    try {
      java.nio.file.Files.writeString(hosts, "");
    } catch (IOException e) {
      throw new TestbedException("cannot write " + hosts + ": " + e.getMessage(), e);
    }
    argv.addAll(List.of(JavaCommand.java(), "-Xmx24m", "-Xss256k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-Djdk.net.hosts.file=" + hosts,
        "-cp", JavaCommand.classpath(), ApiserverMain.class.getName(), "--listen", listen, "--node", node.name(),
        "--keystore", keystore.toString(), "--advertise", advertise));
    Process p;
    try {
      p = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    } catch (IOException e) {
      throw new TestbedException("cannot start the fake apiserver of " + node.name() + ": " + e.getMessage(), e);
    }
    FakeApiserver api = new FakeApiserver(node.name(), probeUrl, p);
    String first = api.readLine(Duration.ofSeconds(60));
    if (first == null || !first.startsWith("listening ")) {
      p.destroyForcibly();
      throw new TestbedException("fake apiserver of " + node.name() + " did not start (said " + first + "; log " + log + ")");
    }
    return api;
  }

  public void healthy(boolean value) {
    String reply = command("healthy " + value);
    if (!"ok".equals(reply)) {
      throw new TestbedException("fake apiserver of " + node + " refused 'healthy " + value + "': " + reply);
    }
    healthy = value;
  }

  public boolean healthy() {
    return healthy;
  }

  /** How many health requests arrived, to check that the agent really polls. */
  public long probes() {
    String reply = command("probes");
    if (reply == null || !reply.startsWith("probes ")) {
      throw new TestbedException("fake apiserver of " + node + " answered '" + reply + "' to 'probes'");
    }
    return Long.parseLong(reply.substring("probes ".length()));
  }

  /** The URL the node's agent probes ({@code https://127.0.0.1:6443/readyz} on the namespace testbed). */
  public String url() {
    return url;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** A crash: SIGKILL. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    try {
      control.close();
    } catch (IOException e) {
      // already gone
    }
    try {
      if (!process.waitFor(3, TimeUnit.SECONDS)) {
        kill();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill();
    }
  }

  private synchronized String command(String line) {
    if (!process.isAlive()) {
      throw new TestbedException("fake apiserver of " + node + " is not running");
    }
    try {
      control.write(line + "\n");
      control.flush();
    } catch (IOException e) {
      throw new TestbedException("fake apiserver of " + node + " does not take commands: " + e.getMessage(), e);
    }
    return readLine(ANSWER);
  }

  private String readLine(Duration timeout) {
    CompletableFuture<String> f = CompletableFuture.supplyAsync(() -> {
      try {
        return replies.readLine();
      } catch (IOException e) {
        return null;
      }
    }, r -> {
      Thread t = new Thread(r, "apiserver-reply-" + node);
      t.setDaemon(true);
      t.start();
    });
    try {
      return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (ExecutionException | TimeoutException e) {
      return null;
    }
  }
}
