package io.fipkeeper.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IpCommandBinderTest {
  private static final InetAddress FIP = address("203.0.113.10");
  private static final InetAddress OTHER = address("203.0.113.11");
  private static final InetAddress FIP6 = address("2001:db8::10");

  private static NetnsFixture ns;
  private IpCommandBinder binder;

  @BeforeAll
  static void createNamespace() throws IOException {
    ns = new NetnsFixture();
  }

  @AfterAll
  static void deleteNamespace() throws IOException {
    if (ns != null) {
      ns.close();
    }
  }

  @BeforeEach
  void emptyInterface() throws IOException {
    ns.ip("addr", "flush", "dev", ns.device);
    binder = new IpCommandBinder(ns.device, Optional.of(ns.name), Duration.ofSeconds(5));
  }

  private String kernelAddresses() throws IOException {
    return ns.ip("-o", "addr", "show", "dev", ns.device);
  }

  @Test
  void bindAddsTheAddressAsAHostRoute() throws IOException {
    assertThat(binder.isBound(FIP)).isFalse();
    binder.bind(FIP);
    assertThat(kernelAddresses()).contains("inet 203.0.113.10/32");
    assertThat(binder.isBound(FIP)).isTrue();
    assertThat(binder.boundAddresses()).containsExactly(FIP);
  }

  @Test
  void bindingTwiceIsANoOp() throws IOException {
    binder.bind(FIP);
    binder.bind(FIP);
    assertThat(kernelAddresses().split("203\\.0\\.113\\.10/32", -1)).hasSize(2);
  }

  @Test
  void bindSucceedsWhenSomeoneElseAddedTheAddressMeanwhile() throws IOException {
    IpCommandBinder other = new IpCommandBinder(ns.device, Optional.of(ns.name), Duration.ofSeconds(5));
    other.bind(FIP);
    binder.bind(FIP);
    assertThat(binder.isBound(FIP)).isTrue();
  }

  @Test
  void unbindRemovesOnlyThatAddressAndIsIdempotent() throws IOException {
    binder.bind(FIP);
    binder.bind(OTHER);
    binder.unbind(FIP);
    binder.unbind(FIP);
    assertThat(binder.isBound(FIP)).isFalse();
    assertThat(binder.boundAddresses()).containsExactly(OTHER);
    assertThat(kernelAddresses()).doesNotContain("203.0.113.10/").contains("203.0.113.11/32");
  }

  @Test
  void ipv6AddressesAreBoundAsSlash128WithoutDuplicateDetection() throws IOException {
    binder.bind(FIP6);
    binder.bind(FIP6);
    assertThat(kernelAddresses()).contains("inet6 2001:db8::10/128").contains("nodad");
    assertThat(binder.boundAddresses()).containsExactly(FIP6);
    binder.unbind(FIP6);
    binder.unbind(FIP6);
    assertThat(binder.isBound(FIP6)).isFalse();
  }

  @Test
  void boundAddressesListsOnlyHostAddresses() throws IOException {
    ns.ip("addr", "add", "192.0.2.10/24", "dev", ns.device);
    binder.bind(FIP);
    assertThat(binder.boundAddresses()).containsExactly(FIP);
  }

  @Test
  void aMissingInterfaceFailsWithTheCommandAndItsError() {
    IpCommandBinder missing = new IpCommandBinder("nope0", Optional.of(ns.name), Duration.ofSeconds(5));
    assertThatThrownBy(() -> missing.bind(FIP)).isInstanceOf(IOException.class)
        .hasMessageContaining("nope0").hasMessageContaining("does not exist");
    assertThatThrownBy(() -> missing.unbind(FIP)).isInstanceOf(IOException.class)
        .hasMessageContaining("cannot unbind 203.0.113.10/32 from nope0")
        .hasMessageContaining("`ip -n " + ns.name + " addr del 203.0.113.10/32 dev nope0` failed (exit");
  }

  @Test
  void refusesTheUnresolvedAutoInterface() {
    assertThatThrownBy(() -> new IpCommandBinder("auto")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("resolve the interface name first");
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
