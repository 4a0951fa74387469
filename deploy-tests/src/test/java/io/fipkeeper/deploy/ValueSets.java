package io.fipkeeper.deploy;

/** Values files the tests render the chart with; each one is what an operator would write. */
final class ValueSets {
  private ValueSets() {}

  /** The minimum an install needs: a floating IP and a token. */
  static final String MINIMAL = """
      floatingIp:
        name: k8s-api
      hcloud:
        token: test-token-value
      """;

  static final String EXISTING_SECRET = """
      floatingIp:
        id: 4711
      hcloud:
        existingSecret: hcloud-api
        existingSecretKey: apiToken
      etcd:
        existingSecret: fipkeeper-etcd-client
        endpoints: [https://10.0.0.2:2379, https://10.0.0.3:2379, https://10.0.0.4:2379]
        leaseTtl: 5
      """;

  static final String SELECTOR = """
      floatingIp:
        selector: role=k8s-api,env=prod
      hcloud:
        token: test-token-value
      apiserver:
        verifyWithClusterCa: true
      """;

  static final String MONITORING = """
      floatingIp:
        name: k8s-api
      hcloud:
        token: test-token-value
      monitoring:
        runbookBaseUrl: https://git.example.com/platform/fipkeeper/docs/runbook.md
        serviceMonitor:
          enabled: true
          labels:
            release: kube-prometheus-stack
        prometheusRule:
          enabled: true
          labels:
            release: kube-prometheus-stack
      """;

  static final String POD_MONITOR = """
      floatingIp:
        name: k8s-api
      hcloud:
        token: test-token-value
      monitoring:
        podMonitor:
          enabled: true
      """;

  static final String IPV6 = """
      floatingIp:
        name: k8s-api
      floatingIpV6:
        name: k8s-api-v6
      hcloud:
        token: test-token-value
      etcd:
        endpoints: ["https://[2001:db8::2]:2379", "https://[2001:db8::3]:2379"]
      apiserver:
        url: https://[::1]:6443/readyz
      """;
}
