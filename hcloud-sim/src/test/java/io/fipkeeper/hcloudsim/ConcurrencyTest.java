package io.fipkeeper.hcloudsim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ConcurrencyTest {
  @Test
  void concurrentAssignsFromTwoAgentsStartExactlyOneAction() throws Exception {
    ManualSimClock clock = new ManualSimClock();
    try (HcloudSimulator sim = HcloudSimulator.builder().token("a", "ta").token("b", "tb").clock(clock)
        .actionDuration(Duration.ofSeconds(5)).build().start()) {
      long s1 = sim.createServer("cp-1", "198.51.100.11");
      long s2 = sim.createServer("cp-2", "198.51.100.12");
      long fip = sim.createFloatingIp("api", "203.0.113.10", Map.of());
      SimClient a = new SimClient(sim, "ta");
      SimClient b = new SimClient(sim, "tb");

      List<CompletableFuture<SimClient.Reply>> replies = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        long target = i % 2 == 0 ? s1 : s2;
        SimClient c = i % 2 == 0 ? a : b;
        replies.add(CompletableFuture.supplyAsync(
            () -> c.post("/v1/floating_ips/" + fip + "/actions/assign", "{\"server\":" + target + "}")));
      }
      List<Integer> statuses = new ArrayList<>();
      for (CompletableFuture<SimClient.Reply> r : replies) {
        statuses.add(r.get(10, TimeUnit.SECONDS).status());
      }

      assertThat(statuses).filteredOn(s -> s == 201).hasSize(1);
      assertThat(statuses).filteredOn(s -> s == 423).hasSize(9);
      assertThat(sim.history()).hasSize(10);
      clock.advance(Duration.ofSeconds(5));
      long winner = sim.history().stream().filter(c -> c.httpStatus() == 201).findFirst().orElseThrow().serverId();
      assertThat(sim.floatingIpServer(fip)).isEqualTo(winner);
    }
  }
}
