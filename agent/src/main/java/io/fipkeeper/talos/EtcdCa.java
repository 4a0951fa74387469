package io.fipkeeper.talos;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fipkeeper.pki.Pem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The etcd CA of a Talos cluster (certificate and private key), read from one of the three places Talos keeps it:
 * <ul>
 *   <li>{@code talosctl get machineconfig -o yaml} (or {@code -o json}): a resource whose {@code spec} is the whole
 *       machine config as one YAML string ({@code pkg/machinery/resources/config/machine_config.go}, MarshalYAML);
 *   <li>a machine config file such as {@code controlplane.yaml}: multi-document YAML whose v1alpha1 document holds
 *       {@code cluster.etcd.ca.crt} and {@code .key}, each a base64-encoded PEM (v1alpha1_types.go, EtcdConfig);
 *   <li>a secrets bundle from {@code talosctl gen secrets}: {@code certs.etcd.crt} and {@code .key}, same encoding
 *       ({@code pkg/machinery/config/generate/secrets/secrets.go}, Certs.Etcd).
 * </ul>
 * The key is usually a SEC1 {@code EC PRIVATE KEY} (Talos makes its etcd CA with ECDSA P-256:
 * {@code generate/secrets/ca.go} NewEtcdCA with {@code x509.ECDSA(true)}), but PKCS#8 and PKCS#1 are read too.
 * Every failure is one line that names the source and the field, never key material.
 */
public final class EtcdCa {
  private static final YAMLMapper YAML = new YAMLMapper();

  private final X509Certificate certificate;
  private final PrivateKey key;
  private final String source;
  private final String origin;

  private EtcdCa(X509Certificate certificate, PrivateKey key, String source, String origin) {
    this.certificate = certificate;
    this.key = key;
    this.source = source;
    this.origin = origin;
  }

  /** The input it was read from, with the node talosctl named, e.g. {@code standard input (node 203.0.113.1)}. */
  public String source() {
    return source;
  }

  public X509Certificate certificate() {
    return certificate;
  }

  public PrivateKey key() {
    return key;
  }

  /** The field it was read from: {@code cluster.etcd.ca} or {@code certs.etcd}. */
  public String origin() {
    return origin;
  }

  /** The CA certificate as PEM, for the {@code ca.crt} clients verify etcd's server certificate with. */
  public String certificatePem() {
    try {
      return Pem.encode("CERTIFICATE", certificate.getEncoded());
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException("a parsed certificate always encodes", e);
    }
  }

  /**
   * Finds the etcd CA in {@code text}.
   *
   * @param source how to name the input in errors (a file name, or "standard input")
   * @throws IllegalArgumentException with a one-line reason
   */
  public static EtcdCa read(String source, String text) {
    List<JsonNode> documents = documents(source, text);
    for (JsonNode doc : documents) {
      JsonNode etcd = field(field(doc, "certs"), "etcd");
      if (etcd != null) {
        return parse(source, source + ": certs.etcd", etcd);
      }
    }
    List<JsonNode> resources = new ArrayList<>();
    for (JsonNode doc : documents) {
      JsonNode spec = doc.get("spec");
      if (spec != null && spec.isTextual()) {
        resources.add(doc);
      }
    }
    if (!resources.isEmpty()) {
      return fromResources(source, resources);
    }
    return fromMachineConfig(source, documents);
  }

  private static EtcdCa fromResources(String source, List<JsonNode> resources) {
    IllegalArgumentException first = null;
    for (JsonNode resource : resources) {
      String where = source + resourceName(resource);
      try {
        return fromMachineConfig(where, documents(where, resource.get("spec").asText()));
      } catch (IllegalArgumentException e) {
        first = first == null ? e : first;
      }
    }
    throw first;
  }

  /** " (node 203.0.113.1)" when talosctl printed which node the config came from. */
  private static String resourceName(JsonNode resource) {
    JsonNode node = resource.get("node");
    return node != null && node.isTextual() && !node.asText().isBlank() ? " (node " + node.asText() + ")" : "";
  }

  private static EtcdCa fromMachineConfig(String source, List<JsonNode> documents) {
    JsonNode v1alpha1 = null;
    for (JsonNode doc : documents) {
      if (!doc.has("kind") && (doc.has("machine") || doc.has("cluster"))) {
        v1alpha1 = doc;
        break;
      }
    }
    if (v1alpha1 == null) {
      throw new IllegalArgumentException(source + ": neither a Talos machine config (controlplane.yaml, `talosctl get"
          + " machineconfig -o yaml`) nor a secrets bundle (`talosctl gen secrets`): found no cluster.etcd.ca and no"
          + " certs.etcd");
    }
    String type = text(field(v1alpha1, "machine"), "type");
    JsonNode ca = field(field(field(v1alpha1, "cluster"), "etcd"), "ca");
    if ("worker".equals(type)) {
      throw new IllegalArgumentException(source + ": this is a worker's machine config (machine.type: worker), which has"
          + " no etcd CA; use a control-plane node's config or the secrets bundle");
    }
    if (ca == null) {
      throw new IllegalArgumentException(source + ": the machine config has no cluster.etcd.ca"
          + (type == null ? "" : " (machine.type: " + type + ")") + "; use a control-plane node's config or the secrets bundle");
    }
    return parse(source, source + ": cluster.etcd.ca", ca);
  }

  private static EtcdCa parse(String source, String path, JsonNode pair) {
    String crt = text(pair, "crt");
    String key = text(pair, "key");
    if (crt == null || crt.isBlank()) {
      throw new IllegalArgumentException(path + ".crt is missing or empty");
    }
    if (key == null || key.isBlank()) {
      throw new IllegalArgumentException(path + ".key is missing or empty (a config that carries only the CA"
          + " certificate cannot issue certificates; use a control-plane node's config or the secrets bundle)");
    }
    X509Certificate certificate = Pem.certificates(path + ".crt", decode(path + ".crt", crt))[0];
    PrivateKey privateKey =
        Pem.privateKey(path + ".key", new String(decode(path + ".key", key), StandardCharsets.US_ASCII));
    return new EtcdCa(certificate, privateKey, source, path.substring(source.length() + 2));
  }

  /** Talos stores each PEM base64-encoded once more; a bare PEM is accepted as well. */
  private static byte[] decode(String path, String value) {
    String trimmed = value.trim();
    if (trimmed.startsWith("-----BEGIN")) {
      return trimmed.getBytes(StandardCharsets.US_ASCII);
    }
    try {
      // strict: a redacted value such as "******" must fail here, not decode to nothing
      return Base64.getDecoder().decode(trimmed.replaceAll("\\s", ""));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(path + " is not base64 (" + e.getMessage() + "); is the config redacted?", e);
    }
  }

  private static List<JsonNode> documents(String source, String text) {
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(text)) {
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc != null && doc.isObject()) {
          docs.add(doc);
        }
      }
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(source + ": not YAML (" + firstLine(e.getOriginalMessage())
          + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()) + ")", e);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(source + ": not YAML (" + firstLine(String.valueOf(e.getMessage())) + ")", e);
    }
    if (docs.isEmpty()) {
      throw new IllegalArgumentException(source + ": empty (expected a Talos machine config or secrets bundle)");
    }
    return docs;
  }

  /** A child by name, matching case-insensitively (secrets bundles written as JSON use "Certs", "Etcd", "Crt"). */
  private static JsonNode field(JsonNode node, String name) {
    if (node == null || !node.isObject()) {
      return null;
    }
    JsonNode exact = node.get(name);
    if (exact != null) {
      return exact;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      if (entry.getKey().equalsIgnoreCase(name)) {
        return entry.getValue();
      }
    }
    return null;
  }

  private static String text(JsonNode node, String name) {
    JsonNode value = field(node, name);
    return value == null || value.isNull() ? null : value.asText();
  }

  private static String firstLine(String message) {
    String m = Objects.requireNonNullElse(message, "");
    int newline = m.indexOf('\n');
    return newline < 0 ? m : m.substring(0, newline);
  }
}
