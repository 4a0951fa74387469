package io.fipkeeper.bench;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cluster's stable API endpoint as an operator sets it up with fipkeeper: the floating IP's DNS name and the
 * apiserver certificate SANs, read from what {@code fipkeeper talos-patch} prints (so the testbed's certificates
 * carry exactly the SANs the operator's Talos config would add), plus the port.
 *
 * @param url {@code cluster.controlPlane.endpoint}, e.g. {@code https://api.prod.fipkeeper.test:6443}
 * @param certSans {@code cluster.apiServer.certSANs}: the floating IP and the DNS name
 */
public record ApiEndpoint(URI url, List<String> certSans) {
  /** The endpoint's DNS name in the testbed (RFC 2606 {@code .test}: it can never resolve outside). */
  public static final String DNS_NAME = "api.prod.fipkeeper.test";
  private static final Pattern ENDPOINT = Pattern.compile("^\\s*endpoint:\\s*\"?([^\"\\s]+)\"?\\s*$");
  private static final Pattern ITEM = Pattern.compile("^\\s*-\\s*\"?([^\"\\s]+)\"?\\s*$");

  public ApiEndpoint {
    certSans = List.copyOf(certSans);
  }

  public String host() {
    return url.getHost();
  }

  public int port() {
    return url.getPort();
  }

  /**
   * Runs {@code java -jar <agentJar> talos-patch --talos-version 1.13 --floating-ip IP --dns NAME} for both parts
   * (the endpoint is in {@code --for cluster}, the apiserver SANs in {@code --for control-planes}) and parses them.
   * The v1alpha1 form is the one the operator's Talos 1.13 configs use.
   */
  public static ApiEndpoint fromTalosPatch(Path agentJar, String floatingIp, String dnsName) {
    if (!Files.isRegularFile(agentJar)) {
      throw new TestbedException("agent jar missing: " + agentJar + " (build it: ./mvnw -q -DskipTests package)");
    }
    StringBuilder yaml = new StringBuilder();
    for (String part : List.of("cluster", "control-planes")) {
      Command.Result r = Command.exec(List.of(JavaCommand.java(), "-Xmx64m", "-XX:+UseSerialGC", "-jar",
          agentJar.toString(), "talos-patch", "--talos-version", "1.13", "--for", part, "--floating-ip", floatingIp,
          "--dns", dnsName), 60_000);
      if (r.exitCode() != 0) {
        throw new TestbedException("fipkeeper talos-patch --for " + part + " failed (exit " + r.exitCode() + "): "
            + r.stderr().strip());
      }
      yaml.append(r.stdout()).append('\n');
    }
    return parse(yaml.toString());
  }

  /**
   * What talos-patch prints for the testbed's floating IP and {@link #DNS_NAME}, for testbeds without the agent
   * jar (a stand-in agent); TestbedCaTest pins it to the real command's output when the jar is built.
   */
  public static ApiEndpoint fallback(String floatingIp) {
    return new ApiEndpoint(URI.create("https://" + DNS_NAME + ":6443"), List.of(floatingIp, DNS_NAME));
  }

  /** Parses the patch YAML: {@code cluster.controlPlane.endpoint} and {@code cluster.apiServer.certSANs}. */
  static ApiEndpoint parse(String yaml) {
    URI url = null;
    List<String> sans = new ArrayList<>();
    boolean inApiServer = false;
    boolean inSans = false;
    for (String line : yaml.split("\n")) {
      if (line.isBlank() || line.stripLeading().startsWith("#")) {
        continue;
      }
      int indent = line.length() - line.stripLeading().length();
      Matcher e = ENDPOINT.matcher(line);
      if (e.matches() && url == null) {
        url = URI.create(e.group(1));
      }
      if (indent <= 2) {
        inApiServer = line.strip().equals("apiServer:") && indent == 2;
        inSans = false;
        continue;
      }
      if (inApiServer && line.strip().equals("certSANs:")) {
        inSans = true;
        continue;
      }
      Matcher item = ITEM.matcher(line);
      if (inSans && item.matches()) {
        sans.add(item.group(1));
      } else if (inSans) {
        inSans = false;
      }
    }
    if (url == null || sans.isEmpty()) {
      throw new TestbedException("talos-patch printed no endpoint or no apiServer certSANs:\n" + yaml);
    }
    return new ApiEndpoint(url, sans);
  }
}
