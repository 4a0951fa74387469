package io.fipkeeper.etcd;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One candidate in a JVM of its own, for {@link Issue9WallClockStepTest}, which starts it under libfaketime. It
 * campaigns, prints every election event as {@code event <event>} and, every 250 ms, its wall clock and ticker as
 * {@code clock <epoch millis> <nanoTime>}, until its standard input is closed. It never resigns or revokes.
 *
 * <p>Arguments: the etcd client URL and the key prefix.
 */
public final class WallClockStepChild {

  private WallClockStepChild() {}

  public static void main(String[] args) throws IOException {
    ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
    try (EtcdElection election = new EtcdElection(EtcdSettings.plain(List.of(URI.create(args[0]))), args[1],
        "203.0.113.10", ElectionIdentity.of("node-a", 1), Duration.ofSeconds(2), event -> print("event " + event))) {
      clock.scheduleAtFixedRate(() -> print("clock " + System.currentTimeMillis() + " " + System.nanoTime()), 0, 250,
          TimeUnit.MILLISECONDS);
      election.campaign(1);
      while (System.in.read() >= 0) {
        // runs until the test closes our standard input
      }
    } finally {
      clock.shutdownNow();
    }
  }

  private static synchronized void print(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
