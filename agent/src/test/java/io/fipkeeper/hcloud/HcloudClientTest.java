package io.fipkeeper.hcloud;

import static io.fipkeeper.hcloud.Fixtures.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Request shapes and response parsing for every operation, against a scripted loopback server. */
@Timeout(30)
class HcloudClientTest {
  private ScriptedServer server;
  private FakeTime time;
  private HcloudClient client;
  private final List<String> events = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server = new ScriptedServer();
    time = new FakeTime();
    client = Fixtures.client(server, time).listener((op, code) -> events.add(op + " " + code)).build();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void getFloatingIpSendsBearerTokenAndUserAgentAndParsesEveryField() throws Exception {
    server.enqueue(ScriptedServer.json(200, "{\"floating_ip\":" + Fixtures.fipObject(4711, "k8s-api",
        "131.232.99.1", 42L, "{\"environment\":\"prod\",\"just-a-key\":\"\"}") + "}"));

    FloatingIp fip = client.getFloatingIp(4711);

    ScriptedServer.Recorded request = server.request(0);
    assertThat(request.method()).isEqualTo("GET");
    assertThat(request.path()).isEqualTo("/v1/floating_ips/4711");
    assertThat(request.header("Authorization")).isEqualTo("Bearer " + TOKEN);
    assertThat(request.header("User-Agent")).isEqualTo("fipkeeper/test");
    assertThat(fip.id()).isEqualTo(4711);
    assertThat(fip.name()).isEqualTo("k8s-api");
    assertThat(fip.ip()).isEqualTo("131.232.99.1");
    assertThat(fip.type()).isEqualTo("ipv4");
    assertThat(fip.server()).isEqualTo(42L);
    assertThat(fip.labels()).containsEntry("environment", "prod").containsEntry("just-a-key", "");
    assertThat(fip.homeLocation()).isEqualTo("fsn1");
    assertThat(fip.created()).isEqualTo(Instant.parse("2016-01-30T23:55:00Z"));
    assertThat(fip.assignedTo(42)).isTrue();
    assertThat(events).containsExactly("get_floating_ip 200");
  }

  @Test
  void unassignedFloatingIpHasNullServer() throws Exception {
    server.enqueue(Fixtures.fip(7, null));

    FloatingIp fip = client.getFloatingIp(7);

    assertThat(fip.server()).isNull();
    assertThat(fip.assignedTo(42)).isFalse();
  }

  @Test
  void ipv6FloatingIpBindsTheFirstHostOfItsNetwork() throws Exception {
    server.enqueue(ScriptedServer.json(200, "{\"floating_ip\":"
        + Fixtures.fipObject(8, "v6", "2001:db8:1::/64", null, "{}") + "}"));

    FloatingIp fip = client.getFloatingIp(8);

    assertThat(fip.isIpv6()).isTrue();
    assertThat(fip.bindAddress()).isEqualTo("2001:db8:1::1");
  }

  @Test
  void listFloatingIpsFollowsPaginationWithFiftyPerPageAndTheSelector() throws Exception {
    server.enqueue(
        Fixtures.fipPage(1, 2, List.of(Fixtures.fipObject(1, "a", "198.51.100.1", null, "{}"))),
        Fixtures.fipPage(2, 3, List.of(Fixtures.fipObject(2, "b", "198.51.100.2", 5L, "{}"))),
        Fixtures.fipPage(3, null, List.of(Fixtures.fipObject(3, "c", "198.51.100.3", null, "{}"))));

    List<FloatingIp> all = client.listFloatingIps("role=api,env in (prod,staging)");

    assertThat(all).extracting(FloatingIp::id).containsExactly(1L, 2L, 3L);
    assertThat(server.requests()).hasSize(3);
    for (int i = 0; i < 3; i++) {
      ScriptedServer.Recorded request = server.request(i);
      assertThat(request.path()).isEqualTo("/v1/floating_ips");
      assertThat(request.queryValues("label_selector")).containsExactly("role=api,env in (prod,staging)");
      assertThat(request.queryValues("per_page")).containsExactly("50");
      assertThat(request.queryValues("page")).containsExactly(String.valueOf(i + 1));
    }
    assertThat(events).containsOnly("list_floating_ips 200");
  }

  @Test
  void findFloatingIpByNameFiltersOnTheServerAndReturnsEmptyWhenNothingMatches() throws Exception {
    server.enqueue(Fixtures.fipPage(1, null, List.of(Fixtures.fipObject(9, "k8s-api", "198.51.100.9", 1L, "{}"))),
        Fixtures.fipPage(1, null, List.of()));

    assertThat(client.findFloatingIpByName("k8s-api")).map(FloatingIp::id).contains(9L);
    assertThat(client.findFloatingIpByName("missing")).isEmpty();
    assertThat(server.request(0).queryValues("name")).containsExactly("k8s-api");
    assertThat(server.request(1).queryValues("name")).containsExactly("missing");
  }

  @Test
  void assignPostsTheServerIdAsJsonAndReturnsTheAction() throws Exception {
    server.enqueue(Fixtures.action(201, 13, "running"));

    HcloudAction action = client.assignFloatingIp(4711, 42);

    ScriptedServer.Recorded request = server.request(0);
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.path()).isEqualTo("/v1/floating_ips/4711/actions/assign");
    assertThat(request.header("Content-Type")).isEqualTo("application/json");
    assertThat(new ObjectMapper().readTree(request.body()))
        .isEqualTo(new ObjectMapper().readTree("{\"server\":42}"));
    assertThat(action.id()).isEqualTo(13);
    assertThat(action.command()).isEqualTo("assign_floating_ip");
    assertThat(action.running()).isTrue();
    assertThat(action.finished()).isNull();
    assertThat(action.resources()).contains(new HcloudAction.Resource(42, "server"));
    assertThat(events).containsExactly("assign 201");
  }

  @Test
  void unassignPostsAnEmptyObject() throws Exception {
    server.enqueue(ScriptedServer.json(201,
        "{\"action\":" + Fixtures.actionObject(14, "unassign_floating_ip", "running", null) + "}"));

    HcloudAction action = client.unassignFloatingIp(4711);

    assertThat(server.request(0).path()).isEqualTo("/v1/floating_ips/4711/actions/unassign");
    assertThat(server.request(0).body()).isEqualTo("{}");
    assertThat(action.command()).isEqualTo("unassign_floating_ip");
  }

  @Test
  void getActionsAsksForIdsInChunksOfTwentyFiveSortedByStatusAndId() throws Exception {
    server.enqueue(Fixtures.actions(Fixtures.actionObject(1, "assign_floating_ip", "success", null)),
        Fixtures.actions(Fixtures.actionObject(26, "assign_floating_ip", "running", null)));
    List<Long> ids = LongStream.rangeClosed(1, 30).boxed().toList();

    List<HcloudAction> actions = client.getActions(ids);

    assertThat(actions).extracting(HcloudAction::id).containsExactly(1L, 26L);
    assertThat(server.requests()).hasSize(2);
    assertThat(server.request(0).path()).isEqualTo("/v1/actions");
    assertThat(server.request(0).queryValues("id")).hasSize(25).first().isEqualTo("1");
    assertThat(server.request(1).queryValues("id")).containsExactly("26", "27", "28", "29", "30");
    assertThat(server.request(0).queryValues("sort")).containsExactly("status", "id");
    assertThat(events).containsOnly("list_actions 200");
  }

  @Test
  void getActionReadsOneAction() throws Exception {
    server.enqueue(ScriptedServer.json(200,
        "{\"action\":" + Fixtures.actionObject(13, "assign_floating_ip", "success", null) + "}"));

    HcloudAction action = client.getAction(13);

    assertThat(server.request(0).path()).isEqualTo("/v1/actions/13");
    assertThat(action.succeeded()).isTrue();
    assertThat(action.finished()).isEqualTo(Instant.parse("2016-01-30T23:56:00Z"));
  }

  @Test
  void listFloatingIpActionsFiltersByStatus() throws Exception {
    server.enqueue(Fixtures.actions(Fixtures.actionObject(3, "assign_floating_ip", "running", null)));

    List<HcloudAction> running = client.listFloatingIpActions(4711, "running");

    assertThat(server.request(0).path()).isEqualTo("/v1/floating_ips/4711/actions");
    assertThat(server.request(0).queryValues("status")).containsExactly("running");
    assertThat(running).extracting(HcloudAction::id).containsExactly(3L);
  }

  @Test
  void getServerReadsItsPrimaryIpv4() throws Exception {
    server.enqueue(ScriptedServer.json(200, "{\"server\":{\"id\":42,\"name\":\"cp-1\",\"status\":\"running\","
        + "\"public_net\":{\"ipv4\":{\"ip\":\"1.2.3.4\",\"blocked\":false},\"ipv6\":null,"
        + "\"floating_ips\":[4711]}}}"));

    Server got = client.getServer(42);

    assertThat(server.request(0).path()).isEqualTo("/v1/servers/42");
    assertThat(got).isEqualTo(new Server(42, "cp-1", "running", "1.2.3.4"));
    assertThat(events).containsExactly("get_server 200");
  }

  @Test
  void lastRateLimitIsNullBeforeTheFirstResponseThenFollowsTheHeaders() throws Exception {
    assertThat(client.lastRateLimit()).isNull();
    server.enqueue(Fixtures.fip(1, null).header("RateLimit-Limit", "3600").header("RateLimit-Remaining", "3597")
        .header("RateLimit-Reset", "1764072003"));

    client.getFloatingIp(1);

    assertThat(client.lastRateLimit())
        .isEqualTo(new RateLimit(3600, 3597, Instant.ofEpochSecond(1764072003)));
  }

  @Test
  void successBodyThatIsNotJsonIsAnInvalidResponse() {
    server.enqueue(new ScriptedServer.Reply(200, "<html>ok</html>"));

    assertThatThrownBy(() -> client.getFloatingIp(1))
        .isInstanceOfSatisfying(HcloudException.class, e -> {
          assertThat(e.code()).isEqualTo(HcloudException.INVALID_RESPONSE);
          assertThat(e.retryable()).isFalse();
        })
        .hasMessageContaining("get_floating_ip");
  }

  @Test
  void builderRejectsBadSettingsNamingTheArgument() {
    assertThatThrownBy(() -> HcloudClient.builder().build()).hasMessageContaining("token is required");
    assertThatThrownBy(() -> HcloudClient.builder().maxRetries(-1)).hasMessage(
        "maxRetries must be between 0 and 20, got -1");
    assertThatThrownBy(() -> HcloudClient.builder().requestTimeout(java.time.Duration.ZERO))
        .hasMessageContaining("requestTimeout must be positive");
    assertThatThrownBy(() -> HcloudClient.builder().baseUrl(java.net.URI.create("ftp://x/v1")))
        .hasMessageContaining("baseUrl must be an http or https URL");
    assertThatThrownBy(() -> HcloudClient.builder().backoff(java.time.Duration.ofSeconds(2),
        java.time.Duration.ofSeconds(1), 2, true)).hasMessageContaining("backoff cap must be >= base");
  }
}
