package io.fipkeeper.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class HostAddressesTest {
  @Test
  void keepsOnlyHostAddressesAndSkipsLoopbackAndLinkLocal() throws Exception {
    String out = """
        1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever
        2: eth0    inet 198.51.100.4/32 brd 198.51.100.4 scope global dynamic eth0\\       valid_lft 86000sec
        2: eth0    inet 203.0.113.7/32 scope global eth0\\       valid_lft forever preferred_lft forever
        2: eth0    inet 10.0.0.5/24 scope global eth0\\       valid_lft forever
        2: eth0    inet 10.0.0.2 peer 10.0.0.1/32 scope global eth0\\       valid_lft forever
        2: eth0    inet6 2001:db8::7/128 scope global nodad \\       valid_lft forever preferred_lft forever
        2: eth0    inet6 2001:db8::/64 scope global \\       valid_lft forever preferred_lft forever
        2: eth0    inet6 fe80::1/128 scope link \\       valid_lft forever preferred_lft forever
        1: lo    inet6 ::1/128 scope host \\       valid_lft forever preferred_lft forever
        """;
    assertThat(HostAddresses.parse(out)).containsExactly(
        InetAddress.getByName("198.51.100.4"), InetAddress.getByName("203.0.113.7"),
        InetAddress.getByName("10.0.0.2"), InetAddress.getByName("2001:db8::7"));
  }

  @Test
  void writesHostPrefixes() throws Exception {
    assertThat(HostAddresses.cidr(InetAddress.getByName("203.0.113.7"))).isEqualTo("203.0.113.7/32");
    assertThat(HostAddresses.cidr(InetAddress.getByName("2001:db8::7"))).isEqualTo("2001:db8:0:0:0:0:0:7/128");
  }
}
