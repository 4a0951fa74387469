package io.fipkeeper.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Drives {@link ProbeMain} in the client namespace and keeps its samples, so a scenario can ask who answered
 * on the floating IP and how long it was unreachable from outside.
 */
public final class Prober implements AutoCloseable {
  private final Process process;
  private final List<Sample> samples = new ArrayList<>();
  private final Thread reader;

  private Prober(Process process) {
    this.process = process;
    this.reader = new Thread(this::read, "prober-reader");
    this.reader.setDaemon(true);
    this.reader.start();
  }

  /** Starts probing {@code url} every {@code interval} from a process with argv prefix {@code prefix}. */
  public static Prober start(List<String> prefix, String url, Duration interval) {
    List<String> argv = new ArrayList<>(prefix);
    argv.addAll(List.of(JavaCommand.java(), "-Xmx32m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", JavaCommand.classpath(), ProbeMain.class.getName(),
        "--target", url, "--interval-ms", Long.toString(interval.toMillis()),
        // a chaos run probes for hours; the prober still stops as soon as the harness is gone (its stdin closes)
        "--max-seconds", Long.toString(Duration.ofDays(1).toSeconds())));
    try {
      return new Prober(new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.DISCARD).start());
    } catch (IOException e) {
      throw new TestbedException("cannot start prober: " + e.getMessage(), e);
    }
  }

  /**
   * Starts the operator's view: {@link KubectlProbeMain} running the real {@code kubectl get --raw /readyz} with
   * {@code kubeconfig} every {@code interval} (the sample detail is the call's time, or why it failed).
   */
  public static Prober startKubectl(List<String> prefix, java.nio.file.Path kubectl, java.nio.file.Path kubeconfig,
      Duration interval) {
    List<String> argv = new ArrayList<>(prefix);
    argv.addAll(List.of(JavaCommand.java(), "-Xmx32m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", JavaCommand.classpath(), KubectlProbeMain.class.getName(), "--kubectl", kubectl.toString(),
        "--kubeconfig", kubeconfig.toString(), "--interval-ms", Long.toString(interval.toMillis())));
    try {
      return new Prober(new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.DISCARD).start());
    } catch (IOException e) {
      throw new TestbedException("cannot start the kubectl prober: " + e.getMessage(), e);
    }
  }

  /** Samples so far, oldest first. */
  public synchronized List<Sample> samples() {
    return List.copyOf(samples);
  }

  /** The most recent sample, if any. */
  public synchronized Optional<Sample> last() {
    return samples.isEmpty() ? Optional.empty() : Optional.of(samples.get(samples.size() - 1));
  }

  /**
   * The outage the client saw after an event at {@code fromNanos}: from the first failed probe after it to the
   * next answered one. Zero when no probe failed; empty while the outage is still going on.
   */
  public synchronized Optional<Duration> outageAfter(long fromNanos) {
    return outageAfter(samples, fromNanos);
  }

  /** {@link #outageAfter(long)} over given samples (oldest first). */
  static Optional<Duration> outageAfter(List<Sample> samples, long fromNanos) {
    Long failingSince = null;
    boolean sawAny = false;
    for (Sample s : samples) {
      if (s.nanos() < fromNanos) {
        continue;
      }
      sawAny = true;
      if (!s.ok() && failingSince == null) {
        failingSince = s.nanos();
      } else if (s.ok()) {
        return Optional.of(failingSince == null ? Duration.ZERO : Duration.ofNanos(s.nanos() - failingSince));
      }
    }
    return sawAny && failingSince == null ? Optional.of(Duration.ZERO) : Optional.empty();
  }

  private void read() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        String[] f = line.split(" ", 3);
        if (f.length == 3) {
          Sample s = new Sample(Long.parseLong(f[0]), f[1].equals("ok"), f[2]);
          synchronized (this) {
            samples.add(s);
          }
        }
      }
    } catch (IOException | NumberFormatException e) {
      // prober ended
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(3, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  /** One probe: when it started, whether the floating IP answered, and who (or why not). */
  public record Sample(long nanos, boolean ok, String detail) {}
}
