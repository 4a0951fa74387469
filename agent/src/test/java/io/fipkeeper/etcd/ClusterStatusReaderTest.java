package io.fipkeeper.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fipkeeper.leader.HolderRecord;
import io.fipkeeper.leader.State;
import io.fipkeeper.leader.Term;
import io.fipkeeper.leader.port.ElectionException;
import io.fipkeeper.testing.EtcdExtension;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code fipkeeper status} data: what the agents published, read back with one bounded round of reads. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClusterStatusReaderTest {

  @RegisterExtension static final EtcdExtension etcd = new EtcdExtension();

  @Test
  void readsHolderLeaderAndEveryAgentSnapshot() throws Exception {
    String prefix = EtcdExtension.randomPrefix();
    try (Candidate a = new Candidate(etcd, prefix, "node-a", Duration.ofSeconds(5));
        Candidate b = new Candidate(etcd, prefix, "node-b", Duration.ofSeconds(5));
        ClusterStatusReader reader = new ClusterStatusReader(EtcdSettings.plain(etcd.endpoints()), prefix, "203.0.113.10")) {
      a.campaign();
      await("node-a wins").atMost(Duration.ofSeconds(10)).until(a::won);
      b.campaign();
      await("node-b has a lease").atMost(Duration.ofSeconds(5)).until(() -> b.election.leaseId() != 0);
      Term term = a.term().orElseThrow();
      HolderRecord holder = new HolderRecord("node-a", 11, "203.0.113.10", term.revision(), Instant.parse("2026-01-02T03:04:05Z"));
      assertThat(a.election.publishHolder(term, holder, Candidate.CALL_TIMEOUT)).isTrue();
      a.election.publishAgent(EtcdElectionTest.snapshot("node-a", State.LEADING));
      b.election.publishAgent(EtcdElectionTest.snapshot("node-b", State.CAMPAIGNING));

      await("both snapshots readable").atMost(Duration.ofSeconds(5))
          .until(() -> reader.read(Candidate.CALL_TIMEOUT).agents().size() == 2);
      ClusterStatus status = reader.read(Candidate.CALL_TIMEOUT);

      assertThat(status.holder()).isEqualTo(holder);
      assertThat(status.electedLeader()).isEqualTo("node-a");
      assertThat(status.epoch()).isEqualTo(term.revision());
      assertThat(status.agents()).extracting(s -> s.node() + "=" + s.state())
          .containsExactly("node-a=LEADING", "node-b=CAMPAIGNING");

      String table = ClusterStatusReader.render(status);
      assertThat(table).contains("elected leader: node-a (epoch " + term.revision() + ")")
          .contains("holder:         node-a server 11 ip 203.0.113.10")
          .containsPattern("node-b\\s+CAMPAIGNING");
      JsonNode json = JsonCodec.MAPPER.readTree(ClusterStatusReader.toJson(status));
      assertThat(json.path("holder").path("since").asText()).isEqualTo("2026-01-02T03:04:05Z");
      assertThat(json.path("agents")).hasSize(2);
      assertThat(JsonCodec.MAPPER.treeToValue(json, ClusterStatus.class)).isEqualTo(status);
    }
  }

  @Test
  void emptyClusterRendersAsNobody() throws Exception {
    try (ClusterStatusReader reader =
        new ClusterStatusReader(EtcdSettings.plain(etcd.endpoints()), EtcdExtension.randomPrefix(), "203.0.113.10")) {
      ClusterStatus status = reader.read(Candidate.CALL_TIMEOUT);

      assertThat(status).isEqualTo(new ClusterStatus(null, null, 0, List.of()));
      assertThat(ClusterStatusReader.render(status)).contains("elected leader: none").contains("none published");
    }
  }

  @Test
  void unreachableEtcdIsAOneLineErrorWithinTheTimeout() {
    EtcdSettings nowhere = new EtcdSettings(List.of(URI.create("http://127.0.0.1:1")), null, null, null, Duration.ofMillis(300));
    try (ClusterStatusReader reader = new ClusterStatusReader(nowhere, "/fipkeeper", "203.0.113.10")) {
      long started = System.nanoTime();
      assertThatThrownBy(() -> reader.read(Duration.ofSeconds(1)))
          .isInstanceOf(ElectionException.class)
          .hasMessageStartingWith("cannot read fipkeeper status from etcd: ")
          .hasMessageNotContaining("\n");
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(3000);
    }
  }
}
