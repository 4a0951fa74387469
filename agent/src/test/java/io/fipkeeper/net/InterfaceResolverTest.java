package io.fipkeeper.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InterfaceResolverTest {
  private static NetnsFixture ns;
  private InterfaceResolver resolver;

  @BeforeAll
  static void createNamespace() throws IOException {
    ns = new NetnsFixture();
    ns.ip("addr", "add", "192.0.2.10/24", "dev", ns.device);
    ns.ip("-6", "addr", "add", "2001:db8:1::10/64", "dev", ns.device, "nodad");
  }

  @AfterAll
  static void deleteNamespace() throws IOException {
    if (ns != null) {
      ns.close();
    }
  }

  @BeforeEach
  void noDefaultRoutes() throws IOException {
    ns.inside.run("route", "del", "default");
    ns.inside.run("-6", "route", "del", "default");
    resolver = new InterfaceResolver(Optional.of(ns.name), Duration.ofSeconds(5));
  }

  @Test
  void autoPicksTheInterfaceOfTheIpv4DefaultRoute() throws IOException {
    ns.ip("route", "add", "default", "via", "192.0.2.1", "dev", ns.device);
    assertThat(resolver.resolve("auto")).isEqualTo(ns.device);
  }

  @Test
  void autoFallsBackToTheIpv6DefaultRoute() throws IOException {
    ns.ip("-6", "route", "add", "default", "via", "2001:db8:1::1", "dev", ns.device);
    assertThat(resolver.resolve("auto")).isEqualTo(ns.device);
  }

  @Test
  void autoWithoutAnyDefaultRouteSaysWhatToConfigure() {
    assertThatThrownBy(() -> resolver.resolve("auto")).isInstanceOf(IOException.class)
        .hasMessage("interface \"auto\": there is no default route to take the interface from "
            + "(set interface or FIPKEEPER_INTERFACE)");
  }

  @Test
  void anExplicitInterfaceMustExist() throws IOException {
    assertThat(resolver.resolve(ns.device)).isEqualTo(ns.device);
    assertThatThrownBy(() -> resolver.resolve("nope0")).isInstanceOf(IOException.class)
        .hasMessageStartingWith("interface nope0 does not exist");
  }

  @Test
  void prefersTheDefaultRouteWithTheLowestMetric() {
    String routes = """
        default via 192.0.2.1 dev eth0 proto dhcp metric 600
        default via 192.0.2.254 dev eth1 metric 100
        default via 192.0.2.253 dev eth2 metric 700
        """;
    assertThat(InterfaceResolver.lowestMetricDevice(routes)).contains("eth1");
    assertThat(InterfaceResolver.lowestMetricDevice("default dev wg0 scope link")).contains("wg0");
    assertThat(InterfaceResolver.lowestMetricDevice("")).isEmpty();
  }
}
