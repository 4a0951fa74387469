package io.fipkeeper.deploy;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad values fail at install time (values.schema.json, then the template's own checks) and name the key. */
class InvalidValuesTest {

  static Stream<Arguments> invalidValueSets() {
    return Stream.of(
        Arguments.of("no floating IP", "hcloud:\n  token: t\n", "floatingIp"),
        Arguments.of("both id and name", "floatingIp:\n  id: 1\n  name: a\nhcloud:\n  token: t\n", "floatingIp"),
        Arguments.of("name and selector", "floatingIp:\n  name: a\n  selector: x=y\nhcloud:\n  token: t\n", "floatingIp"),
        Arguments.of("an IP instead of a reference", "floatingIp:\n  ip: 203.0.113.10\nhcloud:\n  token: t\n", "floatingIp"),
        Arguments.of("IPv6 with two references", ValueSets.MINIMAL + "floatingIpV6:\n  id: 2\n  name: b\n", "floatingIpV6"),
        Arguments.of("lease TTL 1", ValueSets.MINIMAL + "etcd:\n  leaseTtl: 1\n", "etcd.leaseTtl"),
        Arguments.of("lease TTL 301", ValueSets.MINIMAL + "etcd:\n  leaseTtl: 301\n", "etcd.leaseTtl"),
        Arguments.of("lease TTL as a duration", ValueSets.MINIMAL + "etcd:\n  leaseTtl: 2s\n", "etcd.leaseTtl"),
        Arguments.of("no token", "floatingIp:\n  name: a\n", "hcloud"),
        Arguments.of("token and existing secret", "floatingIp:\n  name: a\nhcloud:\n  token: t\n  existingSecret: s\n", "hcloud"),
        Arguments.of("unknown binder", ValueSets.MINIMAL + "binder: netlink\n", "binder"),
        Arguments.of("unknown mode", ValueSets.MINIMAL + "mode: dry-run\n", "mode"),
        Arguments.of("duration without unit", ValueSets.MINIMAL + "handoverTimeout: \"10\"\n", "handoverTimeout"),
        // YAML 1.1 reads y, yes, on, true as booleans and 1 as a number; the API server rejects non-string values
        Arguments.of("annotation value y (a boolean in YAML)", ValueSets.MINIMAL + "podAnnotations:\n  x: y\n",
            "podAnnotations"),
        Arguments.of("pod label value 1 (a number)", ValueSets.MINIMAL + "podLabels:\n  tier: 1\n", "podLabels"),
        Arguments.of("service account annotation true", ValueSets.MINIMAL
            + "serviceAccount:\n  annotations:\n    audited: true\n", "serviceAccount.annotations"),
        Arguments.of("ServiceMonitor label value yes", ValueSets.MINIMAL
            + "monitoring:\n  serviceMonitor:\n    labels:\n      release: yes\n", "monitoring.serviceMonitor.labels"),
        Arguments.of("two Prometheus monitors", ValueSets.MINIMAL
            + "monitoring:\n  serviceMonitor:\n    enabled: true\n  podMonitor:\n    enabled: true\n", "not both"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidValueSets")
  void rejectsInvalidValuesWithAMessageNamingTheKey(String why, String values, String expectedInMessage) {
    assertThatThrownBy(() -> RenderedChart.template(values))
        .as(why)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(expectedInMessage)
        .hasMessageNotContaining("panic")
        .hasMessageNotContaining("goroutine");
  }
}
