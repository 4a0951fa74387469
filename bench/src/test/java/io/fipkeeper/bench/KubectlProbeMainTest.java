package io.fipkeeper.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The kubectl prober's protocol, driven with a stand-in kubectl script (no cluster, no root). */
@Timeout(60)
class KubectlProbeMainTest {
  @TempDir
  Path dir;

  @Test
  void reportsEachCallInStartOrderWithItsFailureReason() throws Exception {
    // answers ok, then fails for calls 3-4 (the second slow), then ok again: a slow call must not reorder lines
    Path counter = dir.resolve("n");
    Path script = dir.resolve("kubectl");
    Files.writeString(script, """
        #!/bin/sh
        exec 9>%1$s.lock; flock 9
        n=$(($(cat %1$s 2>/dev/null || echo 0) + 1)); echo $n > %1$s
        flock -u 9
        case $n in
          3) echo 'Unable to connect to the server: dial tcp 203.0.113.10:6443: i/o timeout' >&2; exit 1 ;;
          4) sleep 0.5; echo 'The connection to the server api.prod.fipkeeper.test:6443 was refused' >&2; exit 1 ;;
          *) printf ok ;;
        esac
        """.formatted(counter));
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));

    try (Prober p = Prober.startKubectl(List.of(), script, dir.resolve("kubeconfig"), Duration.ofMillis(100))) {
      Await.until("8 kubectl calls reported", Duration.ofSeconds(30), () -> p.samples().size() >= 8);
      List<Prober.Sample> s = p.samples();

      assertThat(s).extracting(Prober.Sample::ok).startsWith(true, true, false, false, true, true);
      assertThat(s.get(2).detail()).startsWith("exit=1 after").endsWith("dial tcp 203.0.113.10:6443: i/o timeout");
      assertThat(s.get(3).detail()).contains("was refused");
      assertThat(s.get(0).detail()).matches("\\d+ms");
      for (int i = 1; i < s.size(); i++) {
        assertThat(s.get(i).nanos()).as("start order").isGreaterThan(s.get(i - 1).nanos());
      }
    }
  }
}
