package io.fipkeeper.talos;

import io.fipkeeper.pki.IssuedCertificate;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The Kubernetes Secret the chart mounts for etcd mTLS ({@code etcd.existingSecret}; keys {@code ca.crt},
 * {@code tls.crt}, {@code tls.key}, see helm/fipkeeper/templates/daemonset.yaml), as a YAML manifest ready for
 * {@code kubectl apply -f -} or {@code sops --encrypt}. Typed {@code kubernetes.io/tls}, which requires exactly the
 * {@code tls.crt}/{@code tls.key} pair and allows {@code ca.crt} beside it.
 */
public final class EtcdClientSecret {
  public static final String DEFAULT_NAME = "fipkeeper-etcd-client";
  public static final String DEFAULT_NAMESPACE = "kube-system";

  private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  private final String name;
  private final String namespace;

  private EtcdClientSecret(String name, String namespace) {
    this.name = name;
    this.namespace = namespace;
  }

  /** Validates the Secret's name (DNS-1123 subdomain) and namespace (DNS-1123 label). */
  public static EtcdClientSecret named(String name, String namespace) {
    if (name == null || name.length() > 253 || !DNS_SUBDOMAIN.matcher(name).matches()) {
      throw new IllegalArgumentException("invalid --name '" + name + "': a Secret name is lower-case letters, digits,"
          + " '-' and '.', at most 253 characters, starting and ending with a letter or digit");
    }
    if (namespace == null || namespace.length() > 63 || !DNS_LABEL.matcher(namespace).matches()) {
      throw new IllegalArgumentException("invalid --namespace '" + namespace + "': a namespace is lower-case letters,"
          + " digits and '-', at most 63 characters, starting and ending with a letter or digit");
    }
    return new EtcdClientSecret(name, namespace);
  }

  public String name() {
    return name;
  }

  /** The manifest; it contains the private key, so it goes to a pipe or a file only the user can read. */
  public String render(EtcdCa ca, IssuedCertificate issued) {
    Objects.requireNonNull(ca, "ca");
    Objects.requireNonNull(issued, "issued");
    Instant notAfter = issued.certificate().getNotAfter().toInstant();
    StringBuilder out = new StringBuilder();
    out.append("# etcd client certificate for fipkeeper, issued by `fipkeeper etcd-client-cert` from the Talos etcd CA (")
        .append(ca.origin()).append(").\n");
    out.append("# Subject ").append(issued.certificate().getSubjectX500Principal().getName())
        .append(", valid until ").append(notAfter).append(": issue a new one before then (docs/talos.md).\n");
    out.append("# It holds a private key that can read and write every etcd key (Talos' etcd has no RBAC):\n");
    out.append("# apply it directly or encrypt it (sops --encrypt --encrypted-regex '^(data|stringData)$'); never commit it in clear.\n");
    out.append("apiVersion: v1\n");
    out.append("kind: Secret\n");
    out.append("metadata:\n");
    out.append("  name: ").append(name).append('\n');
    out.append("  namespace: ").append(namespace).append('\n');
    out.append("  labels:\n");
    out.append("    app.kubernetes.io/name: fipkeeper\n");
    out.append("    app.kubernetes.io/component: etcd-client-certificate\n");
    out.append("  annotations:\n");
    out.append("    fipkeeper.io/certificate-not-after: \"").append(notAfter).append("\"\n");
    out.append("type: kubernetes.io/tls\n");
    out.append("data:\n");
    out.append("  ca.crt: ").append(base64(ca.certificatePem())).append('\n');
    out.append("  tls.crt: ").append(base64(issued.certificatePem())).append('\n');
    out.append("  tls.key: ").append(base64(issued.keyPem())).append('\n');
    return out.toString();
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
  }
}
