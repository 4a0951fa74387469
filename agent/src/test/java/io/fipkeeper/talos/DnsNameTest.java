package io.fipkeeper.talos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DnsNameTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "k8s.example.com,        k8s.example.com",
      "K8S.Example.COM.,       k8s.example.com",
      "api-1.prod.example.de,  api-1.prod.example.de",
      "kubernetes,             kubernetes",
      "1st.example.com,        1st.example.com"})
  void acceptsHostNamesInLowerCaseWithoutTrailingDot(String raw, String expected) {
    assertThat(DnsName.parse(raw).text()).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "*.example.com            | wildcards are not allowed",
      "https://k8s.example.com  | host name only",
      "k8s.example.com:6443     | host name only",
      "-k8s.example.com         | label '-k8s'",
      "k8s-.example.com         | label 'k8s-'",
      "k8s..example.com         | label ''",
      "k8s_api.example.com      | label 'k8s_api'",
      "203.0.113.10             | last label is all digits",
      "käse.example.com         | label 'käse'"})
  void rejectsNamesThatCannotBeACertificateSan(String raw, String reason) {
    assertThatThrownBy(() -> DnsName.parse(raw))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid --dns '" + raw + "'")
        .hasMessageContaining(reason);
  }

  @Test
  void limitsLabelsTo63AndNamesTo253Characters() {
    String label63 = "a".repeat(63);
    String label64 = "a".repeat(64);
    String name254 = String.join(".", "a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(61), "io");

    assertThat(DnsName.parse(label63 + ".example.com").text()).startsWith(label63);
    assertThatThrownBy(() -> DnsName.parse(label64 + ".example.com")).hasMessageContaining("1-63");
    assertThat(name254).hasSize(256);
    assertThatThrownBy(() -> DnsName.parse(name254)).hasMessageContaining("1 to 253 characters");
  }
}
