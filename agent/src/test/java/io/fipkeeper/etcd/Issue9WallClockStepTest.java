package io.fipkeeper.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.LeaseOption;
import io.fipkeeper.testing.EtcdExtension;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Regression (issue 9, defect 1: wall-clock timers). jetcd scheduled renewals and judged its client-side deadline on
 * {@code System.currentTimeMillis()}: an NTP step forward made it declare a healthy lease gone and revoke it, a step
 * back stopped renewals until the wall clock caught up, and the lease expired in etcd. The keep-alive now decides on
 * the monotonic ticker only. A candidate runs in its own JVM under libfaketime (Debian's {@code libfaketime}, which
 * fakes the wall clock but, with {@code FAKETIME_DONT_FAKE_MONOTONIC}, not the monotonic one, like an NTP step): its
 * wall clock jumps 30 s forward 6 s after it starts and back 5 s later; its lease and key must live on throughout.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class Issue9WallClockStepTest {

  @RegisterExtension static final EtcdExtension etcd = new EtcdExtension();

  private static final List<Path> LIBFAKETIME = List.of(
      Path.of("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"),
      Path.of("/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1"),
      Path.of("/usr/lib/faketime/libfaketime.so.1"));
  private static final Pattern WON = Pattern.compile("^event ElectionWon\\[term=Term\\[node=node-a, key=(\\S+), "
      + "revision=(\\d+), leaseId=(\\d+)]]");
  private static final Pattern CLOCK = Pattern.compile("^clock (\\d+) (\\d+)$");
  private static final long STEP_AFTER_SECONDS = 6;
  private static final long STEP_BACK_AFTER_SECONDS = 11;

  @Test
  void aCandidateKeepsItsLeaseAndKeyWhileItsWallClockJumps30SecondsForwardAndBack() throws Exception {
    Path preload = LIBFAKETIME.stream().filter(Files::isReadable).findFirst().orElse(null);
    Assumptions.assumeTrue(preload != null, "libfaketime is not installed (apt-get install faketime)");
    String prefix = EtcdExtension.randomPrefix();
    List<String> lines = new CopyOnWriteArrayList<>();
    List<Long> skews = new CopyOnWriteArrayList<>();
    Process child = start(preload, prefix, lines, skews);
    long started = System.nanoTime();
    try (Client raw = Client.builder().endpoints(etcd.endpoints().toArray(URI[]::new)).build()) {
      await("the child wins before its clock steps").atMost(Duration.ofSeconds(STEP_AFTER_SECONDS - 1))
          .until(() -> won(lines).isPresent());
      Matcher won = won(lines).orElseThrow();
      ByteSequence key = ElectionKeys.bytes(won.group(1));
      long revision = Long.parseLong(won.group(2));
      long lease = Long.parseLong(won.group(3));

      Duration watch = Duration.ofSeconds(STEP_BACK_AFTER_SECONDS + 5).minusNanos(System.nanoTime() - started);
      await("lease and key alive while the wall clock jumps forward and back").during(watch)
          .atMost(watch.plusSeconds(2)).pollInterval(Duration.ofMillis(200))
          .until(() -> alive(raw, lease, key, revision) && lines.stream().noneMatch(l -> l.contains("LeaseGone")));

      assertThat(skews).as("the child's wall clock ran 30 s ahead for a while (the step happened)")
          .anyMatch(s -> s > 25_000);
      assertThat(skews.get(skews.size() - 1)).as("and was stepped back at the end").isLessThan(5_000);
      assertThat(lines).as("no lease lost, no campaign failed").noneMatch(l -> l.contains("LeaseGone")
          || l.contains("CampaignFailed"));
      raw.getLeaseClient().revoke(lease).get(5, TimeUnit.SECONDS);
    } finally {
      child.getOutputStream().close();
      if (!child.waitFor(10, TimeUnit.SECONDS)) {
        child.destroyForcibly();
      }
    }
  }

  /** Starts the child; its lines go to {@code lines}, and how far its wall clock runs ahead of ours to {@code skews}. */
  private Process start(Path preload, String prefix, List<String> lines, List<Long> skews) throws IOException {
    String classpath = Optional.ofNullable(System.getProperty("surefire.test.class.path"))
        .orElse(System.getProperty("java.class.path"));
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx64m", "-cp", classpath, WallClockStepChild.class.getName(), etcd.endpoint(), prefix)
        .redirectError(ProcessBuilder.Redirect.DISCARD);
    Map<String, String> env = builder.environment();
    env.put("LD_PRELOAD", preload.toString());
    env.put("FAKETIME", "+30s");
    env.put("FAKETIME_START_AFTER_SECONDS", Long.toString(STEP_AFTER_SECONDS));
    env.put("FAKETIME_STOP_AFTER_SECONDS", Long.toString(STEP_BACK_AFTER_SECONDS));
    env.put("FAKETIME_DONT_FAKE_MONOTONIC", "1"); // an NTP step moves the wall clock, never the monotonic one
    Process child = builder.start();
    Thread reader = new Thread(() -> {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
          StandardCharsets.UTF_8))) {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          Matcher clock = CLOCK.matcher(line);
          if (clock.matches()) {
            skews.add(Long.parseLong(clock.group(1)) - System.currentTimeMillis());
          }
          lines.add(line);
        }
      } catch (IOException e) {
        lines.add("reader failed: " + e);
      }
    }, "wall-clock-child-reader");
    reader.setDaemon(true);
    reader.start();
    return child;
  }

  private static Optional<Matcher> won(List<String> lines) {
    return lines.stream().map(WON::matcher).filter(Matcher::find).findFirst();
  }

  /** The lease is known to etcd and the term's key still exists with its create revision. */
  private static boolean alive(Client raw, long lease, ByteSequence key, long revision) throws Exception {
    long ttl = raw.getLeaseClient().timeToLive(lease, LeaseOption.DEFAULT).get(2, TimeUnit.SECONDS).getTTL();
    boolean present = raw.getKVClient().get(key).get(2, TimeUnit.SECONDS).getKvs().stream()
        .anyMatch(k -> k.getCreateRevision() == revision);
    return ttl >= 0 && present;
  }
}
