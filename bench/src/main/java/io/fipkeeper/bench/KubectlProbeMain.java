package io.fipkeeper.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The operator's CI preflight, repeated: runs the real {@code kubectl get --raw /readyz} with one kubeconfig every
 * interval (a new process each time, as CI runs it; calls may overlap while the endpoint hangs, up to a bound) and
 * prints one line per call, in start order: {@code <System.nanoTime at start> ok <ms>} or
 * {@code <nanos> fail <reason>}. Runs in the client namespace, so kubectl resolves the endpoint's name through that
 * namespace's hosts file. Stops when stdin closes (the harness is gone) or after --max-seconds.
 */
public final class KubectlProbeMain {
  private static final int MAX_IN_FLIGHT = 16;

  private final List<String> argv;
  private final long timeoutMs;
  private final ConcurrentSkipListMap<Long, String> done = new ConcurrentSkipListMap<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private long nextToPrint;

  private KubectlProbeMain(List<String> argv, long timeoutMs) {
    this.argv = argv;
    this.timeoutMs = timeoutMs;
  }

  public static void main(String[] args) {
    String kubectl = "/usr/bin/kubectl";
    String kubeconfig = null;
    String path = "/readyz";
    long intervalMs = 200;
    long timeoutMs = 2000;
    long maxSeconds = 3600;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--kubectl" -> kubectl = args[i + 1];
        case "--kubeconfig" -> kubeconfig = args[i + 1];
        case "--path" -> path = args[i + 1];
        case "--interval-ms" -> intervalMs = Long.parseLong(args[i + 1]);
        case "--timeout-ms" -> timeoutMs = Long.parseLong(args[i + 1]);
        case "--max-seconds" -> maxSeconds = Long.parseLong(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (kubeconfig == null) {
      System.err.println("usage: KubectlProbeMain --kubeconfig FILE [--kubectl PATH] [--path /readyz] "
          + "[--interval-ms 200] [--timeout-ms 2000] [--max-seconds 3600]");
      System.exit(2);
    }
    ProbeMain.exitWhenStdinCloses();
    List<String> argv = List.of(kubectl, "--kubeconfig", kubeconfig, "get", "--raw", path,
        "--request-timeout=" + timeoutMs + "ms");
    new KubectlProbeMain(argv, timeoutMs).loop(intervalMs, maxSeconds);
  }

  private void loop(long intervalMs, long maxSeconds) {
    ExecutorService pool = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "kubectl-call");
      t.setDaemon(true);
      return t;
    });
    long end = System.nanoTime() + maxSeconds * 1_000_000_000L;
    long seq = 0;
    while (System.nanoTime() - end < 0) {
      long start = System.nanoTime();
      long id = seq++;
      if (inFlight.get() >= MAX_IN_FLIGHT) {
        done.put(id, start + " fail harness: " + MAX_IN_FLIGHT + " calls still running");
      } else {
        inFlight.incrementAndGet();
        pool.execute(() -> {
          done.put(id, start + " " + call());
          inFlight.decrementAndGet();
        });
      }
      print();
      LockSupport.parkNanos(start + intervalMs * 1_000_000L - System.nanoTime());
    }
    System.exit(0);
  }

  /** One kubectl run: "ok <ms>" or "fail <reason>". */
  private String call() {
    long t0 = System.nanoTime();
    java.nio.file.Path out = null;
    try {
      out = java.nio.file.Files.createTempFile("kubectl-probe", ".out");
      Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(out.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
      if (!p.waitFor(timeoutMs + 5000, TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        return "fail harness: kubectl still running " + (timeoutMs + 5000) + " ms after start";
      }
      String text = java.nio.file.Files.readString(out, StandardCharsets.UTF_8).strip();
      long ms = (System.nanoTime() - t0) / 1_000_000;
      if (p.exitValue() == 0 && text.equals("ok")) {
        return "ok " + ms + "ms";
      }
      String first = text.isEmpty() ? "(no output)" : text.lines().findFirst().orElse("");
      return "fail exit=" + p.exitValue() + " after " + ms + "ms: " + first.replace('\n', ' ');
    } catch (IOException e) {
      return "fail harness: cannot run kubectl: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "fail harness: interrupted";
    } finally {
      if (out != null) {
        out.toFile().delete();
      }
    }
  }

  /** Prints finished calls in start order; a call still running holds back the ones after it. */
  private synchronized void print() {
    List<String> lines = new ArrayList<>();
    for (Map.Entry<Long, String> e = done.firstEntry(); e != null && e.getKey() == nextToPrint;
        e = done.firstEntry()) {
      lines.add(e.getValue());
      done.remove(e.getKey());
      nextToPrint++;
    }
    lines.forEach(System.out::println);
    System.out.flush();
  }
}
