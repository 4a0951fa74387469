package io.fipkeeper.talos;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The Talos machine-config patch that makes fipkeeper's floating IP (or its DNS name) the Kubernetes API endpoint,
 * for one Talos config form ({@link TalosVersion}) and split by the nodes each part is for ({@link PatchScope}):
 * <ul>
 *   <li>the endpoint (every node);
 *   <li>the apiserver and Talos API certificate SANs for every floating IP and the DNS name (control planes; Talos
 *       adds 127.0.0.1, the node's own addresses and the endpoint's host by itself: kubernetes_cert_sans.go,
 *       api_cert_sans.go in internal/app/machined/pkg/controllers/secrets/);
 *   <li>the kubelet node-IP and etcd address choices without the floating IPs (control planes; Talos excludes only
 *       its own VIPs: nodeip_config.go, etcd/config.go), each list starting with the subnets the node IP comes from,
 *       because an exclusion-only list selects nothing (FilterIPs in siderolabs/net);
 *   <li>optionally the old endpoint kept as service-account issuer, so tokens stay valid across the change.
 * </ul>
 * Pure: validates its input (all problems at once) and renders text.
 */
public final class TalosPatch {
  public static final int DEFAULT_PORT = 6443;
  public static final String DEFAULT_NODE_SUBNET = "0.0.0.0/0";

  private final TalosVersion version;
  private final List<FloatingIpLiteral> floatingIps;
  private final Optional<DnsName> dnsName;
  private final int port;
  private final Optional<String> oldEndpoint;
  private final List<Subnet> nodeSubnets;
  private final List<Subnet> etcdSubnets;
  private final Optional<String> inlineManifest;

  private TalosPatch(Builder b, List<FloatingIpLiteral> ips, Optional<DnsName> dns, int port, Optional<String> oldEndpoint,
      List<Subnet> nodeSubnets, List<Subnet> etcdSubnets) {
    this.version = b.version;
    this.floatingIps = List.copyOf(ips);
    this.dnsName = dns;
    this.port = port;
    this.oldEndpoint = oldEndpoint;
    this.nodeSubnets = List.copyOf(nodeSubnets);
    this.etcdSubnets = List.copyOf(etcdSubnets);
    this.inlineManifest = Optional.ofNullable(b.inlineManifest);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The patch for one IP, DNS name and port in the newest form; kept for callers of the first version. */
  public static TalosPatch of(String floatingIp, String dnsName, int port) {
    return builder().floatingIp(floatingIp).dns(dnsName).port(Integer.toString(port)).build();
  }

  public TalosVersion version() {
    return version;
  }

  /** {@code https://k8s.example.com:6443}, else the first IPv4 floating IP, else the first one (IPv6 in brackets). */
  public String endpoint() {
    String host = dnsName.map(DnsName::text).orElseGet(() -> floatingIps.stream().filter(ip -> !ip.isV6()).findFirst()
        .orElse(floatingIps.get(0)).urlHost());
    return "https://" + host + ":" + port;
  }

  /** What Talos cannot know by itself: every floating IP, then the DNS name. */
  public List<String> certSans() {
    List<String> sans = new ArrayList<>();
    floatingIps.forEach(ip -> sans.add(ip.text()));
    dnsName.ifPresent(name -> sans.add(name.text()));
    return Collections.unmodifiableList(sans);
  }

  /** {@code machine.kubelet.nodeIP.validSubnets} (or KubeNodeConfig {@code nodeIP.validSubnets}). */
  public List<String> nodeIpSubnets() {
    return withExclusions(nodeSubnets);
  }

  /** {@code cluster.etcd.advertisedSubnets}. */
  public List<String> etcdSubnets() {
    return withExclusions(etcdSubnets);
  }

  public Optional<String> oldEndpoint() {
    return oldEndpoint;
  }

  Optional<String> inlineManifest() {
    return inlineManifest;
  }

  Optional<DnsName> dnsName() {
    return dnsName;
  }

  /** The part for {@code scope}, as YAML ready for {@code talosctl patch machineconfig --patch @file} or ksail. */
  public String render(PatchScope scope) {
    return version.kubernetesDocuments()
        ? new KubeDocumentsPatch(this).render(scope)
        : new V1Alpha1Patch(this).render(scope);
  }

  /** Positive subnets first, then one {@code !ip/32} or {@code !ip/128} per floating IP ("specified last"). */
  private List<String> withExclusions(List<Subnet> subnets) {
    List<String> out = new ArrayList<>();
    subnets.forEach(s -> out.add(s.text()));
    floatingIps.forEach(ip -> out.add("!" + ip.text() + (ip.isV6() ? "/128" : "/32")));
    return Collections.unmodifiableList(out);
  }

  /** Raw command-line values; {@link #build()} checks them all and reports every problem. */
  public static final class Builder {
    private TalosVersion version = TalosVersion.NEWEST;
    private String versionText;
    private final List<String> floatingIps = new ArrayList<>();
    private String dns;
    private String port = Integer.toString(DEFAULT_PORT);
    private String oldEndpoint;
    private final List<String> nodeSubnets = new ArrayList<>();
    private final List<String> etcdSubnets = new ArrayList<>();
    private String inlineManifest;

    private Builder() {}

    public Builder talosVersion(String text) {
      this.versionText = text;
      return this;
    }

    public Builder floatingIp(String ip) {
      floatingIps.add(ip);
      return this;
    }

    public Builder floatingIps(List<String> ips) {
      if (ips != null) {
        floatingIps.addAll(ips);
      }
      return this;
    }

    public Builder dns(String name) {
      this.dns = name;
      return this;
    }

    public Builder port(String text) {
      this.port = text;
      return this;
    }

    public Builder oldEndpoint(String url) {
      this.oldEndpoint = url;
      return this;
    }

    public Builder nodeSubnets(List<String> cidrs) {
      if (cidrs != null) {
        nodeSubnets.addAll(cidrs);
      }
      return this;
    }

    public Builder etcdSubnets(List<String> cidrs) {
      if (cidrs != null) {
        etcdSubnets.addAll(cidrs);
      }
      return this;
    }

    /** Manifests (e.g. {@code helm template} output) for Talos to create at bootstrap; null for none. */
    public Builder inlineManifest(String manifest) {
      this.inlineManifest = manifest;
      return this;
    }

    /**
     * @throws InvalidPatchInput listing every problem, one line each
     */
    public TalosPatch build() {
      List<String> problems = new ArrayList<>();
      if (versionText != null) {
        version = attempt(problems, () -> TalosVersion.parse(versionText), TalosVersion.NEWEST);
      }
      List<FloatingIpLiteral> ips = new ArrayList<>();
      if (floatingIps.isEmpty()) {
        problems.add("--floating-ip is required (an IPv4 or IPv6 address; repeat it for each floating IP)");
      }
      Set<String> seen = new LinkedHashSet<>();
      for (String raw : floatingIps) {
        FloatingIpLiteral ip = attempt(problems, () -> FloatingIpLiteral.parse(raw), null);
        if (ip != null && !seen.add(ip.text())) {
          problems.add("--floating-ip " + ip.text() + " is given twice");
        } else if (ip != null) {
          ips.add(ip);
        }
      }
      Optional<DnsName> name = dns == null || dns.isBlank()
          ? Optional.empty()
          : Optional.ofNullable(attempt(problems, () -> DnsName.parse(dns), null));
      int portNumber = attempt(problems, () -> parsePort(port), DEFAULT_PORT);
      Optional<String> issuer = oldEndpoint == null || oldEndpoint.isBlank()
          ? Optional.empty()
          : Optional.ofNullable(attempt(problems, () -> issuerUrl(oldEndpoint), null));
      if (nodeSubnets.isEmpty() && ips.stream().anyMatch(FloatingIpLiteral::isV6)) {
        // Talos' own default follows the service CIDRs' families, which this command cannot see: an IPv4-only
        // default would move an IPv6-only or dual-stack node's IPv6 node IP and etcd address away.
        problems.add("--node-subnet is required with an IPv6 floating IP: give the subnets the node IPs come from for"
            + " every address family the cluster uses, e.g. --node-subnet 0.0.0.0/0 --node-subnet ::/0 (dual-stack)"
            + " or --node-subnet ::/0 (IPv6-only)");
      }
      List<Subnet> node = subnets(problems, "--node-subnet", nodeSubnets.isEmpty() ? List.of(DEFAULT_NODE_SUBNET) : nodeSubnets);
      List<Subnet> etcd = etcdSubnets.isEmpty() ? node : subnets(problems, "--etcd-subnet", etcdSubnets);
      if (inlineManifest != null && inlineManifest.isBlank()) {
        problems.add("--inline-manifest: the file is empty");
      }
      if (!problems.isEmpty()) {
        throw new InvalidPatchInput(problems);
      }
      return new TalosPatch(this, ips, name, portNumber, issuer, node, etcd);
    }

    private static List<Subnet> subnets(List<String> problems, String option, List<String> raw) {
      List<Subnet> out = new ArrayList<>();
      for (String cidr : raw) {
        Subnet subnet = attempt(problems, () -> Subnet.parse(option, cidr), null);
        if (subnet != null && !out.contains(subnet)) {
          out.add(subnet);
        }
      }
      return out;
    }

    private static int parsePort(String text) {
      int n;
      try {
        n = Integer.parseInt(text == null ? "" : text.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("invalid --port '" + text + "': must be a number between 1 and 65535");
      }
      if (n < 1 || n > 65535) {
        throw new IllegalArgumentException("invalid --port " + n + ": must be between 1 and 65535");
      }
      return n;
    }

    /**
     * The issuer is compared as a string by the apiserver, so it is kept exactly as given; it must be the value in
     * use, e.g. from {@code kubectl get --raw /.well-known/openid-configuration}.
     */
    private static String issuerUrl(String raw) {
      String value = raw.trim();
      try {
        URI uri = new URI(value);
        if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null
            || uri.getQuery() != null || uri.getFragment() != null) {
          throw new URISyntaxException(value, "not an http(s) URL with a host");
        }
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("invalid --old-endpoint '" + raw + "': give the current service-account"
            + " issuer URL, e.g. https://198.51.100.1:6443");
      }
      return value;
    }

    private static <T> T attempt(List<String> problems, java.util.function.Supplier<T> parse, T fallback) {
      try {
        return parse.get();
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
        return fallback;
      }
    }
  }

  /** Bad command-line input: one line per problem, in the order of the options. */
  public static final class InvalidPatchInput extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    InvalidPatchInput(List<String> problems) {
      super(String.join("\n", problems));
      this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
      return problems;
    }
  }
}
