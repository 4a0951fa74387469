package io.fipkeeper.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fipkeeper.e2e.AgentCluster.Node;
import io.fipkeeper.http.StatusJson;
import io.fipkeeper.leader.State;
import io.fipkeeper.testing.EtcdExtension;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code /healthz}, {@code /readyz}, {@code /status} and {@code /metrics} of running agents, over real HTTP. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpEndpointsE2eTest {
  private static final Duration ELECTION = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension static final EtcdExtension etcd = new EtcdExtension();

  @TempDir Path dir;
  private AgentCluster cluster;

  @BeforeEach
  void cluster() {
    cluster = new AgentCluster(etcd, dir);
  }

  @AfterEach
  void tearDown() {
    cluster.close();
  }

  @Test
  void statusAndMetricsTellTheLeaderFromTheStandbyAndCountTheTakeover() throws Exception {
    List<Node> nodes = cluster.start(3);
    Node leader = cluster.awaitSoleLeader(ELECTION);
    Node standby = nodes.stream().filter(n -> n != leader).findFirst().orElseThrow();
    cluster.awaitUntil("standby names the leader", ELECTION,
        () -> standby.state() == State.CAMPAIGNING && leader.name.equals(standby.snapshot().leader()));

    for (Node n : nodes) {
      HttpResponse<String> health = Http.get(n.httpBase(), "/healthz");
      assertThat(health.statusCode()).as(n + " /healthz: %s", health.body()).isEqualTo(200);
      assertThat(health.body().strip()).isEqualTo("ok");
      HttpResponse<String> ready = Http.get(n.httpBase(), "/readyz");
      assertThat(ready.statusCode()).as(n + " /readyz (standby agents are ready too): %s", ready.body())
          .isEqualTo(200);
    }

    JsonNode ls = status(leader);
    assertThat(fieldNames(ls)).containsExactlyElementsOf(StatusJson.FIELDS);
    assertThat(ls.get("node").asText()).isEqualTo(leader.name);
    assertThat(ls.get("serverId").asLong()).isEqualTo(leader.serverId());
    assertThat(ls.get("state").asText()).isEqualTo("LEADING");
    assertThat(ls.get("leader").asText()).isEqualTo(leader.name);
    assertThat(ls.get("floatingIp").asText()).isEqualTo(AgentCluster.FIP_ADDRESS);
    assertThat(ls.get("assignedServer").asLong()).isEqualTo(leader.serverId());
    assertThat(ls.get("bound").asBoolean()).isTrue();
    assertThat(ls.get("epoch").asLong()).isPositive();
    assertThat(ls.get("apiserverHealthy").asBoolean()).isTrue();
    assertThat(ls.get("lastTransition").asText()).isNotBlank();
    assertThat(ls.get("version").asText()).isNotBlank();

    JsonNode ss = status(standby);
    assertThat(ss.get("node").asText()).isEqualTo(standby.name);
    assertThat(ss.get("state").asText()).isEqualTo("CAMPAIGNING");
    assertThat(ss.get("leader").asText()).isEqualTo(leader.name);
    assertThat(ss.get("bound").asBoolean()).isFalse();
    assertThat(ss.get("epoch").asLong()).as("a standby shows the published holder's epoch")
        .isEqualTo(ls.get("epoch").asLong());

    String lm = metrics(leader);
    String sm = metrics(standby);
    assertThat(sample(lm, "fipkeeper_leader")).as("leader gauge on the leader").hasValue(1.0);
    assertThat(sample(sm, "fipkeeper_leader")).as("leader gauge on the standby").hasValue(0.0);
    assertThat(sample(lm, "fipkeeper_failover_duration_seconds_count").orElse(0))
        .as("the leader measured its takeover").isGreaterThanOrEqualTo(1.0);
    assertThat(sample(sm, "fipkeeper_failover_duration_seconds_count").orElse(0))
        .as("the standby took nothing over").isZero();
    assertThat(sample(lm, "fipkeeper_address_bound")).hasValue(1.0);
    assertThat(sample(sm, "fipkeeper_address_bound")).hasValue(0.0);

    assertThat(leader.shutdown()).isTrue();
    Node next = cluster.awaitSoleLeader(ELECTION);
    String nm = metrics(next);
    assertThat(sample(nm, "fipkeeper_leader")).as("gauge on the node that took over").hasValue(1.0);
    assertThat(sample(nm, "fipkeeper_failover_duration_seconds_count").orElse(0))
        .as("the new leader measured its takeover").isGreaterThanOrEqualTo(1.0);
    assertThat(sample(nm, "fipkeeper_failover_duration_seconds_sum").orElse(0))
        .as("a takeover takes some time").isPositive();
    JsonNode ns = status(next);
    assertThat(ns.get("state").asText()).isEqualTo("LEADING");
    assertThat(ns.get("epoch").asLong()).as("a new term").isGreaterThan(ls.get("epoch").asLong());
    for (Node n : cluster.running()) {
      if (n != next) {
        assertThat(sample(metrics(n), "fipkeeper_leader")).as(n + " leader gauge").hasValue(0.0);
      }
    }
  }

  @Test
  void readyzReportsEtcdWhileItIsDownAndHealthzStaysOk() throws Exception {
    List<Node> nodes = cluster.start(2);
    cluster.awaitSoleLeader(ELECTION);
    etcd.stop();
    for (Node n : nodes) {
      cluster.awaitUntil(n.name + " /readyz says etcd is the problem", Duration.ofSeconds(15), () -> {
        HttpResponse<String> r = Http.get(n.httpBase(), "/readyz");
        return r.statusCode() == 503 && r.body().contains("etcd");
      });
      assertThat(Http.get(n.httpBase(), "/healthz").statusCode()).as(n + " is alive, just not ready").isEqualTo(200);
    }
    etcd.start();
    for (Node n : nodes) {
      cluster.awaitUntil(n.name + " /readyz ok again once etcd is back", Duration.ofSeconds(15),
          () -> Http.get(n.httpBase(), "/readyz").statusCode() == 200);
    }
  }

  private static JsonNode status(Node n) throws Exception {
    HttpResponse<String> r = Http.get(n.httpBase(), "/status");
    assertThat(r.statusCode()).as(n + " /status").isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).contains("json"));
    return JSON.readTree(r.body());
  }

  private static String metrics(Node n) throws Exception {
    HttpResponse<String> r = Http.get(n.httpBase(), "/metrics");
    assertThat(r.statusCode()).as(n + " /metrics").isEqualTo(200);
    return r.body();
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /** The value of the one sample named {@code name} (any labels), if present. */
  private static OptionalDouble sample(String exposition, String name) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? (\\S+)").matcher(exposition);
    return m.find() ? OptionalDouble.of(Double.parseDouble(m.group(2))) : OptionalDouble.empty();
  }
}
