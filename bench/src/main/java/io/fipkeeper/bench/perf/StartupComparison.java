package io.fipkeeper.bench.perf;

import io.fipkeeper.bench.AgentConfig;
import io.fipkeeper.bench.AgentProcess;
import io.fipkeeper.bench.Await;
import io.fipkeeper.bench.Node;
import io.fipkeeper.bench.Testbed;
import io.fipkeeper.bench.TestbedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Start-to-ready with and without an AppCDS archive, on one standby node of a running namespace testbed: its
 * agent is stopped, a first run with {@code -XX:ArchiveClassesAtExit} writes the archive on exit (after the agent
 * has campaigned, so the election and HTTP classes are in it), then plain and archived starts alternate, each
 * timed to {@code /readyz} 200 and stopped again. The node's own agent is restarted at the end.
 */
final class StartupComparison {
  private final Testbed bed;
  private final Path agentJar;
  private final String flags;
  private final Duration leaseTtl;
  private final ReadyTimer ready = new ReadyTimer();

  /** @param flags the agent JVM flags without any {@code -XX:SharedArchiveFile} */
  StartupComparison(Testbed bed, Path agentJar, String flags, Duration leaseTtl) {
    this.bed = bed;
    this.agentJar = agentJar;
    this.flags = flags;
    this.leaseTtl = leaseTtl;
  }

  /** Both series, {@code rounds} starts each; {@code archiveMiB} is 0 when no archive could be written. */
  record Result(List<Long> withoutAppCdsMs, List<Long> withAppCdsMs, double archiveMiB, String archiveFlag) {}

  /** Writes the archive to {@code archive} (replacing it), then times {@code rounds} starts of each kind. */
  Result run(String leader, Path archive, int rounds) {
    int idx = leader.equals("cp-1") ? 2 : 1;
    Node node = bed.node(idx);
    AgentProcess own = bed.agent(idx);
    own.close();
    Path dir = bed.workDir().resolve("appcds");
    try {
      Files.createDirectories(archive.getParent());
      Files.deleteIfExists(archive);
      AgentProcess dump = agent(node, dir.resolve("dump"), "-XX:ArchiveClassesAtExit=" + archive);
      ready.startAndTime(dump, Duration.ofSeconds(30));
      Await.tryUntil(Duration.ofSeconds(10),
          () -> dump.status().map(s -> "CAMPAIGNING".equals(s.state())).orElse(false));
      dump.close();
      double archiveMiB = Files.isRegularFile(archive) ? size(archive) / 1024.0 / 1024.0 : 0;
      String archiveFlag = "-XX:SharedArchiveFile=" + archive;
      AgentProcess plain = agent(node, dir.resolve("plain"));
      AgentProcess cds = archiveMiB > 0 ? agent(node, dir.resolve("cds"), archiveFlag) : null;
      List<Long> without = new ArrayList<>();
      List<Long> with = new ArrayList<>();
      for (int r = 0; r < rounds; r++) {
        without.add(ready.startAndTime(plain, Duration.ofSeconds(30)));
        plain.close();
        if (cds != null) {
          with.add(ready.startAndTime(cds, Duration.ofSeconds(30)));
          cds.close();
        }
      }
      return new Result(without, with, Math.round(archiveMiB * 10) / 10.0, archiveFlag);
    } catch (java.io.IOException e) {
      throw new TestbedException("cannot replace " + archive + ": " + e.getMessage(), e);
    } finally {
      own.start().waitServing(Duration.ofSeconds(30));
    }
  }

  private AgentProcess agent(Node n, Path workDir, String... extraFlags) {
    AgentConfig config = new AgentConfig(n.name(), Testbed.FLOATING_IP_NAME, bed.sim().apiUrl(),
        bed.sim().metadataUrl(n.name()), bed.etcd().endpoints(), leaseTtl, "eth0", "ip", bed.apiserver(n.index()).url(),
        "0.0.0.0:" + n.httpPort(), Duration.ofMillis(200), "info",
        AgentProcess.tokenFile(workDir, n).toString(), java.util.Map.of());
    List<String> launch = new ArrayList<>(JvmFlags.split(flags));
    launch.addAll(List.of(extraFlags));
    launch.addAll(List.of("-jar", agentJar.toString()));
    return new AgentProcess(n, null, launch, config, bed.token(), workDir);
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (java.io.IOException e) {
      throw new TestbedException("cannot read " + p + ": " + e.getMessage(), e);
    }
  }
}
