package io.fipkeeper.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fipkeeper.leader.port.ElectionEvent;
import io.fipkeeper.talos.EtcdClientCertificate;
import io.fipkeeper.testing.EtcdExtension;
import io.fipkeeper.testing.TalosEtcdPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The certificate {@code fipkeeper etcd-client-cert} issues works where it must: a real etcd started as Talos starts
 * it for clients ({@code --client-cert-auth --trusted-ca-file <etcd CA>}, internal/app/machined/pkg/system/services/
 * etcd.go, v1.13.9) with a CA made the way Talos makes it ({@link TalosEtcdPki}) accepts the agent's election over
 * it, through the agent's own TLS loading ({@link EtcdSettings}); a certificate issued from another cluster's etcd CA
 * is refused.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class EtcdClientCertEtcdTest {
  static final TalosEtcdPki CLUSTER = TalosEtcdPki.generate();

  @RegisterExtension static final EtcdExtension etcd = new EtcdExtension().withTls(CLUSTER);

  @TempDir Path dir;

  @AfterAll
  static void deletePki() {
    CLUSTER.delete();
  }

  @Test
  void theAgentCampaignsWithTheCertificateIssuedFromTheClusterMachineConfig() throws Exception {
    EtcdSettings settings = mount(issue(CLUSTER.resourceYaml()));

    List<ElectionEvent> events = campaignUntil(settings, "node-issued", ElectionEvent.ElectionWon.class);

    assertThat(events).noneMatch(ElectionEvent.CampaignFailed.class::isInstance);
  }

  @Test
  void etcdRefusesACertificateIssuedFromAnotherClustersCa() throws Exception {
    TalosEtcdPki other = TalosEtcdPki.generate();
    try {
      // the other cluster's client certificate, but this cluster's CA to verify the server: only the client
      // certificate differs from the test above
      Path mounted = dir.resolve("other");
      Files.createDirectories(mounted);
      JsonNode secret = issue(other.machineConfig("controlplane"));
      Files.write(mounted.resolve("tls.crt"), data(secret, "tls.crt"));
      Files.write(mounted.resolve("tls.key"), data(secret, "tls.key"));
      EtcdSettings settings = new EtcdSettings(etcd.endpoints(), CLUSTER.ca(), mounted.resolve("tls.crt"),
          mounted.resolve("tls.key"), Duration.ofSeconds(1));

      List<ElectionEvent> events = campaignUntil(settings, "node-foreign", ElectionEvent.CampaignFailed.class);

      assertThat(events).noneMatch(ElectionEvent.ElectionWon.class::isInstance);
    } finally {
      other.delete();
    }
  }

  /** Campaigns once and returns the events seen until the first {@code outcome}. */
  private List<ElectionEvent> campaignUntil(EtcdSettings settings, String node, Class<? extends ElectionEvent> outcome) {
    List<ElectionEvent> events = new CopyOnWriteArrayList<>();
    try (EtcdElection election =
        new EtcdElection(settings, EtcdExtension.randomPrefix(), "203.0.113.10", ElectionIdentity.of(node, 7),
            Duration.ofSeconds(2), events::add)) {
      election.campaign(1);
      await(node + " campaign ends in " + outcome.getSimpleName() + ", events " + events).atMost(Duration.ofSeconds(30))
          .until(() -> events.stream().anyMatch(outcome::isInstance));
      if (events.stream().anyMatch(ElectionEvent.ElectionWon.class::isInstance)) {
        election.revoke(Duration.ofSeconds(2));
      }
      return List.copyOf(events);
    }
  }

  private static JsonNode issue(String talosInput) throws Exception {
    String manifest = new EtcdClientCertificate(Clock.systemUTC(), new SecureRandom())
        .issue("config", talosInput, "fipkeeper-etcd-client", "kube-system", "1d", "fipkeeper").manifest();
    return new YAMLMapper().readTree(manifest);
  }

  /** What the chart does with the Secret: the three keys become files the agent's config points at. */
  private EtcdSettings mount(JsonNode secret) throws Exception {
    for (String key : List.of("ca.crt", "tls.crt", "tls.key")) {
      Files.write(dir.resolve(key), data(secret, key));
    }
    return new EtcdSettings(etcd.endpoints(), dir.resolve("ca.crt"), dir.resolve("tls.crt"), dir.resolve("tls.key"),
        Duration.ofSeconds(2));
  }

  private static byte[] data(JsonNode secret, String key) {
    return Base64.getDecoder().decode(secret.path("data").path(key).asText());
  }
}
