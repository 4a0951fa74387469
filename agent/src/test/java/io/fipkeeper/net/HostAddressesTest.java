package io.fipkeeper.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class HostAddressesTest {
  @Test
  void keepsOnlyHostAddressesAndSkipsLoopbackAndLinkLocal() throws Exception {
    String out = """
        [{"ifindex":1,"ifname":"lo","addr_info":[
           {"family":"inet","local":"127.0.0.1","prefixlen":8,"scope":"host"},
           {"family":"inet6","local":"::1","prefixlen":128,"scope":"host"}]},
         {"ifindex":2,"ifname":"eth0","addr_info":[
           {"family":"inet","local":"198.51.100.4","prefixlen":32,"broadcast":"198.51.100.4","scope":"global"},
           {"family":"inet","local":"203.0.113.7","prefixlen":32,"scope":"global"},
           {"family":"inet","local":"10.0.0.5","prefixlen":24,"scope":"global"},
           {"family":"inet","local":"10.0.0.2","address":"10.0.0.1","prefixlen":32,"scope":"global"},
           {"family":"inet6","local":"2001:db8::7","prefixlen":128,"scope":"global","nodad":true},
           {"family":"inet6","local":"2001:db8::","prefixlen":64,"scope":"global"},
           {"family":"inet6","local":"fe80::1","prefixlen":128,"scope":"link"}]}]
        """;
    assertThat(HostAddresses.parse(out)).containsExactly(
        InetAddress.getByName("198.51.100.4"), InetAddress.getByName("203.0.113.7"),
        InetAddress.getByName("10.0.0.2"), InetAddress.getByName("2001:db8::7"));
  }

  @Test
  void anInterfaceWithoutAddressesHasNoneAndGarbageIsAnError() throws Exception {
    assertThat(HostAddresses.parse("[{\"ifindex\":2,\"ifname\":\"eth0\",\"addr_info\":[]}]")).isEmpty();
    assertThat(HostAddresses.parse("")).isEmpty();
    assertThatThrownBy(() -> HostAddresses.parse("{\"not\":\"an array\"}")).isInstanceOf(java.io.IOException.class);
  }

  @Test
  void writesHostPrefixes() throws Exception {
    assertThat(HostAddresses.cidr(InetAddress.getByName("203.0.113.7"))).isEqualTo("203.0.113.7/32");
    assertThat(HostAddresses.cidr(InetAddress.getByName("2001:db8::7"))).isEqualTo("2001:db8:0:0:0:0:0:7/128");
  }
}
