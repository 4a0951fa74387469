package io.fipkeeper.bench.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.fipkeeper.bench.keepalived.KeepalivedConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeepalivedConfigTest {
  @Test
  void rendersUnicastVrrpWithTheFloatingIpAndTheNotifyScript() {
    String conf = new KeepalivedConfig("cp-2", "198.51.100.12", List.of("198.51.100.11", "198.51.100.13"), 50, 1,
        "203.0.113.10", "/tmp/x/notify.sh").render();

    assertThat(conf)
        .contains("state BACKUP", "priority 50", "advert_int 1", "unicast_src_ip 198.51.100.12")
        .contains("198.51.100.11\n", "198.51.100.13\n", "203.0.113.10/32 dev eth0")
        .contains("notify_master \"/tmp/x/notify.sh master\"", "notify_stop \"/tmp/x/notify.sh stop\"");
    assertThat(new KeepalivedConfig("cp-1", "198.51.100.11", List.of(), 200, 1, "203.0.113.10", "/n").render())
        .contains("state MASTER");
  }

  @Test
  void notifyScriptLogsInTheAgentFormatAndAssignsWithoutEmbeddingTheToken() {
    String script = KeepalivedConfig.notifyScript("cp-2", "/tmp/x/notify.log", "/tmp/x/token",
        "http://198.51.100.1:8080/v1/floating_ips/1/actions/assign", 2);

    assertThat(script)
        .contains("state from=keepalived to=$to event=notify_$1 node=cp-2")
        .contains("TOKEN=$(cat /tmp/x/token)", "-d '{\"server\":2}' http://198.51.100.1:8080/v1/floating_ips/1/actions/assign")
        .contains("while [ $n -lt 10 ]", "sleep 3");
    String sample = "2026-11-25T16:47:49.883Z INFO  [notify] keepalived - state from=keepalived to=LEADING event=notify_master node=cp-2";
    assertThat(AgentLog.parse("cp-2", List.of(sample))).singleElement()
        .satisfies(e -> assertThat(e.state()).isEqualTo("LEADING"));
  }
}
