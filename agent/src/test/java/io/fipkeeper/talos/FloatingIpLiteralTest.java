package io.fipkeeper.talos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FloatingIpLiteralTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "203.0.113.10,                             203.0.113.10",
      "' 10.0.0.1 ',                             10.0.0.1",
      "2001:DB8::10,                             2001:db8::10",
      "2001:0db8:0000:0000:0000:0000:0000:0010,  2001:db8::10",
      "2001:db8:0:1:0:0:0:1,                     2001:db8:0:1::1",
      "2001:db8:0:0:1:0:0:1,                     2001:db8::1:0:0:1",
      "2001:db8:1:2:3:4:5:6,                     2001:db8:1:2:3:4:5:6",
      "2001:db8:0:1:1:1:1:1,                     2001:db8:0:1:1:1:1:1",
      "2a01:4f8:1c1c::,                          2a01:4f8:1c1c::"})
  void acceptsAddressesAndWritesTheirCanonicalForm(String raw, String canonical) {
    assertThat(FloatingIpLiteral.parse(raw).text()).isEqualTo(canonical);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "300.1.1.1          | octet 300 is above 255",
      "1.2.3              | not an IPv4 address",
      "010.0.0.1          | leading zero",
      "k8s.example.com    | not an IPv4 address",
      "2001:db8::g        | not an IPv6 address",
      "2001:db8:::1       | not an IPv6 address",
      "[2001:db8::1]      | without brackets",
      "fe80::1%eth0       | without brackets, zone",
      "203.0.113.10/32    | not an IPv4 address",
      "::ffff:203.0.113.1 | use the IPv4 form 203.0.113.1",
      "0.0.0.0            | unspecified",
      "::                 | unspecified",
      "127.0.0.1          | loopback",
      "::1                | loopback",
      "224.0.0.1          | multicast",
      "169.254.169.254    | link-local",
      "fe80::1            | link-local",
      "255.255.255.255    | reserved or broadcast"})
  void rejectsWhatCannotBeAFloatingIpWithAOneLineReason(String raw, String reason) {
    assertThatThrownBy(() -> FloatingIpLiteral.parse(raw))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid --floating-ip '" + raw + "'")
        .hasMessageContaining(reason)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void requiresAValue() {
    assertThatThrownBy(() -> FloatingIpLiteral.parse(null)).hasMessage("--floating-ip is required (an IPv4 or IPv6 address)");
    assertThatThrownBy(() -> FloatingIpLiteral.parse(" ")).hasMessageContaining("required");
  }

  @Test
  void canonicalFormAgreesWithTheJdkParserOnEveryZeroRunPosition() throws Exception {
    for (int start = 0; start < 8; start++) {
      for (int length = 0; start + length <= 8; length++) {
        int[] groups = {1, 0x20, 0x300, 0x4000, 5, 6, 7, 8};
        for (int i = start; i < start + length; i++) {
          groups[i] = 0;
        }
        StringBuilder full = new StringBuilder();
        for (int i = 0; i < 8; i++) {
          full.append(i == 0 ? "" : ":").append(Integer.toHexString(groups[i]));
        }
        String canonical = FloatingIpLiteral.canonicalV6(InetAddress.getByName(full.toString()).getAddress());

        assertThat(InetAddress.getByName(canonical)).as(full.toString()).isEqualTo(InetAddress.getByName(full.toString()));
        assertThat(canonical).as(full.toString()).doesNotContain(":::").doesNotContainPattern(":0[0-9a-f]");
        assertThat(canonical.split("::", -1).length).as(full.toString()).isLessThanOrEqualTo(2);
        if (length >= 2) {
          assertThat(canonical).as(full.toString()).contains("::");
        } else {
          assertThat(canonical).as(full.toString()).doesNotContain("::");
        }
      }
    }
  }
}
