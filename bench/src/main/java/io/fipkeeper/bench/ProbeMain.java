package io.fipkeeper.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The outside client: runs in the client namespace and GETs the floating IP's {@code /status} every interval,
 * printing one line per probe: {@code <System.nanoTime> ok <node>} or {@code <nanos> fail <reason>}.
 * nanoTime is CLOCK_MONOTONIC, shared by all processes on the machine, so the harness can line probes up with
 * its own events. Stops when its stdin closes (the harness died) or after --max-seconds.
 */
public final class ProbeMain {
  private static final Pattern NODE = Pattern.compile("\"node\"\\s*:\\s*\"([^\"]*)\"");

  private ProbeMain() {}

  public static void main(String[] args) throws IOException {
    String target = null;
    long intervalMs = 50;
    int timeoutMs = 200;
    long maxSeconds = 900;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--target" -> target = args[i + 1];
        case "--interval-ms" -> intervalMs = Long.parseLong(args[i + 1]);
        case "--timeout-ms" -> timeoutMs = Integer.parseInt(args[i + 1]);
        case "--max-seconds" -> maxSeconds = Long.parseLong(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (target == null) {
      System.err.println("usage: ProbeMain --target URL [--interval-ms 50] [--timeout-ms 200] [--max-seconds 900]");
      System.exit(2);
    }
    exitWhenStdinCloses();
    long end = System.nanoTime() + maxSeconds * 1_000_000_000L;
    URI uri = URI.create(target);
    while (System.nanoTime() - end < 0) {
      long start = System.nanoTime();
      System.out.println(start + " " + probe(uri, timeoutMs));
      System.out.flush();
      long next = start + intervalMs * 1_000_000L;
      LockSupport.parkNanos(next - System.nanoTime());
    }
  }

  /** Exits the JVM once stdin closes: the harness never writes, so EOF means it is gone. */
  static void exitWhenStdinCloses() {
    Thread watchdog = new Thread(() -> {
      try {
        while (System.in.read() >= 0) {
          // nothing is ever written
        }
      } catch (IOException e) {
        // same as EOF
      }
      System.exit(0);
    }, "stdin-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
  }

  private static String probe(URI uri, int timeoutMs) {
    HttpURLConnection c = null;
    try {
      c = (HttpURLConnection) uri.toURL().openConnection();
      c.setConnectTimeout(timeoutMs);
      c.setReadTimeout(timeoutMs);
      int code = c.getResponseCode();
      String body;
      try (InputStream in = code < 400 ? c.getInputStream() : c.getErrorStream()) {
        body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      Matcher m = NODE.matcher(body);
      return code < 500 ? "ok " + (m.find() ? m.group(1) : "?") : "fail http-" + code;
    } catch (IOException e) {
      return "fail " + e.getClass().getSimpleName();
    } finally {
      if (c != null) {
        c.disconnect();
      }
    }
  }
}
