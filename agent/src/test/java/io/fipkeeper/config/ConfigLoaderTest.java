package io.fipkeeper.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fipkeeper.hcloud.FloatingIpRef;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigLoaderTest {
  private static final String TOKEN = "s3cr3t-token-0123456789";

  @TempDir Path dir;
  private Map<String, String> env;

  @BeforeEach
  void minimalEnvironment() {
    env = new HashMap<>();
    env.put("HCLOUD_TOKEN", TOKEN);
    env.put("FIPKEEPER_NODE", "cp-1");
  }

  private Path yaml(String text) throws IOException {
    Path file = Files.createTempFile(dir, "config", ".yaml");
    Files.writeString(file, text);
    return file;
  }

  private Path file(String name, String content) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, content);
    return f;
  }

  private AgentConfig load(String yamlText, Map<String, String> flags) throws Exception {
    return ConfigLoader.load(Optional.of(yaml(yamlText)), env, flags);
  }

  private List<String> problems(String yamlText, Map<String, String> flags) throws IOException {
    ConfigException e = catchThrowableOfType(ConfigException.class,
        () -> ConfigLoader.load(Optional.of(yaml(yamlText)), env, flags));
    assertThat(e).as("expected a ConfigException").isNotNull();
    return e.problems();
  }

  @Test
  void loadsTheDocumentedExampleAndFillsInTheDefaults() throws Exception {
    Path token = file("token", TOKEN + "\n");
    Path ca = file("ca.crt", "ca");
    Path cert = file("tls.crt", "cert");
    Path key = file("tls.key", "key");
    AgentConfig c = load("""
        node: cp-9
        floatingIp:
          name: k8s-api
        hcloud:
          tokenFile: %s
        etcd:
          endpoints: [https://10.0.0.2:2379, https://10.0.0.3:2379/]
          caFile: %s
          certFile: %s
          keyFile: %s
        apiserver:
          url: https://127.0.0.1:6443/readyz
          insecureSkipVerify: true
        """.formatted(token, ca, cert, key), Map.of());

    assertThat(c.node()).as("FIPKEEPER_NODE from env beats the file").isEqualTo("cp-1");
    assertThat(c.floatingIp()).isEqualTo(new FloatingIpRef.Name("k8s-api"));
    assertThat(c.floatingIpV6()).isEmpty();
    assertThat(c.hcloud().endpoint()).isEqualTo(URI.create("https://api.hetzner.cloud/v1"));
    assertThat(c.hcloud().token().filePath()).contains(token);
    assertThat(c.hcloud().token().read()).isEqualTo(TOKEN);
    assertThat(c.hcloud().metadataUrl()).isEqualTo(URI.create("http://169.254.169.254/hetzner/v1/metadata"));
    assertThat(c.hcloud().serverId()).isEmpty();
    assertThat(c.hcloud().requestTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.hcloud().actionTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.hcloud().actionPollInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(c.hcloud().verifyInterval()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.etcd().endpoints())
        .containsExactly(URI.create("https://10.0.0.2:2379"), URI.create("https://10.0.0.3:2379"));
    assertThat(c.etcd().caFile()).contains(ca);
    assertThat(c.etcd().certFile()).contains(cert);
    assertThat(c.etcd().keyFile()).contains(key);
    assertThat(c.etcd().prefix()).isEqualTo("/fipkeeper");
    assertThat(c.etcd().leaseTtlSeconds()).isEqualTo(2);
    assertThat(c.etcd().dialTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.interfaceName()).isEqualTo("auto");
    assertThat(c.binder()).isEqualTo(AgentConfig.BinderKind.IP);
    assertThat(c.apiserver()).isEqualTo(new ProbeSettings(true, URI.create("https://127.0.0.1:6443/readyz"),
        Duration.ofSeconds(1), Duration.ofSeconds(1), 3, 1, Optional.empty(), true));
    assertThat(c.handoverTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.takeoverTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(c.http()).isEqualTo(new HttpSettings("0.0.0.0", 9847));
    assertThat(c.log()).isEqualTo(new LogSettings(LogSettings.Format.PLAIN, "info"));
  }

  @Test
  void laterSourcesWinFlagsOverEnvOverFile() throws Exception {
    env.put("FIPKEEPER_LEASE_TTL", "10");
    env.put("FIPKEEPER_ETCD_ENDPOINTS", "http://127.0.0.1:2379, http://127.0.0.1:22379");
    AgentConfig c = load("""
        floatingIp: {id: 7}
        etcd: {leaseTtl: 5s, prefix: /from-file/}
        http: {listen: "127.0.0.1:1"}
        """, Map.of("--lease-ttl", "1m", "--http-listen", "[::1]:0"));

    assertThat(c.etcd().leaseTtl()).isEqualTo(Duration.ofMinutes(1));
    assertThat(c.etcd().endpoints())
        .containsExactly(URI.create("http://127.0.0.1:2379"), URI.create("http://127.0.0.1:22379"));
    assertThat(c.etcd().prefix()).as("trailing slash dropped").isEqualTo("/from-file");
    assertThat(c.http()).isEqualTo(new HttpSettings("::1", 0));
    assertThat(c.floatingIp()).isEqualTo(new FloatingIpRef.Id(7));
  }

  @Test
  void reportsEveryProblemAtOnceOneLineEachNamingKeyRuleAndValue() throws Exception {
    env.put("FIPKEEPER_LEASE_TTL", "abc");
    env.put("FIPKEEPER_BINDER", "magic");
    List<String> problems = problems("""
        floatingIp: {id: "-3"}
        hcloud: {requestTimeout: 10, serverId: x}
        etcd: {endpoints: [ftp://x, "https://ok:2379"]}
        apiserver: {failureThreshold: 0}
        handoverTimeout: 0s
        http: {listen: "nohost:99999"}
        log: {format: xml, level: loud}
        interface: "eth0 with spaces"
        """, Map.of());

    assertThat(problems).containsExactly(
        "floatingIp.id: must be a positive whole number (the floating IP id), got \"-3\"",
        "hcloud.serverId: must be \"auto\" or a positive whole number, got \"x\"",
        "hcloud.requestTimeout: must be a duration like 500ms, 2s or 1m, got \"10\"",
        "etcd.endpoints: must be an http:// or https:// URL with a host, got \"ftp://x\"",
        "FIPKEEPER_LEASE_TTL: must be a whole number of seconds between 2 and 300, got \"abc\"",
        "interface: must be \"auto\" or an interface name of 1-15 letters, digits, '_', '.' or '-', "
            + "got \"eth0 with spaces\"",
        "FIPKEEPER_BINDER: must be one of ip, recording, got \"magic\"",
        "apiserver.failureThreshold: must be a whole number between 1 and 100, got \"0\"",
        "handoverTimeout: must be at least 1ms, got \"0s\"",
        "http.listen: must be host:port with an IP address (brackets around IPv6, like [::]:9847) and a port "
            + "0-65535, got \"nohost:99999\"",
        "log.format: must be one of plain, json, got \"xml\"",
        "log.level: must be one of trace, debug, info, warn, error, got \"loud\"");
  }

  @Test
  void takeoverTimeoutComesFromFileEnvOrFlagAndMustBeLongerThanOneRequest() throws Exception {
    assertThat(load("floatingIp: {id: 7}\ntakeoverTimeout: 45s", Map.of()).takeoverTimeout())
        .isEqualTo(Duration.ofSeconds(45));
    env.put("FIPKEEPER_TAKEOVER_TIMEOUT", "30s");
    assertThat(load("floatingIp: {id: 7}", Map.of()).takeoverTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(load("floatingIp: {id: 7}", Map.of("--takeover-timeout", "1m")).takeoverTimeout())
        .isEqualTo(Duration.ofMinutes(1));

    assertThat(problems("floatingIp: {id: 7}\nhcloud: {requestTimeout: 30s}", Map.of("--takeover-timeout", "30s")))
        .containsExactly("--takeover-timeout: must be longer than hcloud.requestTimeout (30s): a takeover needs at "
            + "least one whole request, got \"30s\"");
    env.remove("FIPKEEPER_TAKEOVER_TIMEOUT");
    assertThat(problems("floatingIp: {id: 7}\nhcloud: {requestTimeout: 25s}", Map.of()))
        .as("the default is checked too, and named as such")
        .containsExactly("takeoverTimeout (default): must be longer than hcloud.requestTimeout (25s): a takeover "
            + "needs at least one whole request, got \"20s\"");
    assertThat(problems("floatingIp: {id: 7}\ntakeoverTimeout: 500ms", Map.of()))
        .containsExactly("takeoverTimeout: must be at least 1s, got \"500ms\"");
  }

  @Test
  void modeIsActiveByDefaultAndObserveComesFromFileEnvOrFlagWithItsOwnElectionPrefix() throws Exception {
    AgentConfig active = load("floatingIp: {id: 7}\netcd: {prefix: /fk/}", Map.of());
    assertThat(active.mode()).isEqualTo(AgentConfig.Mode.ACTIVE);
    assertThat(active.electionPrefix()).isEqualTo("/fk");

    AgentConfig observing = load("floatingIp: {id: 7}\nmode: observe\netcd: {prefix: /fk/}", Map.of());
    assertThat(observing.mode()).isEqualTo(AgentConfig.Mode.OBSERVE);
    assertThat(observing.electionPrefix()).as("observers never share a key with an active deployment")
        .isEqualTo("/fk/observe");
    env.put("FIPKEEPER_MODE", "OBSERVE");
    assertThat(load("floatingIp: {id: 7}\nmode: active", Map.of()).mode()).isEqualTo(AgentConfig.Mode.OBSERVE);
    assertThat(load("floatingIp: {id: 7}", Map.of("--mode", "active")).mode()).isEqualTo(AgentConfig.Mode.ACTIVE);
  }

  @Test
  void anUnknownModeNamesTheTwoThatExistAndIsReportedWithTheOtherProblems() throws Exception {
    env.put("FIPKEEPER_MODE", "dry-run");
    assertThat(problems("floatingIp: {id: 7}\nhandoverTimeout: soon", Map.of())).containsExactly(
        "FIPKEEPER_MODE: must be one of active, observe, got \"dry-run\"",
        "handoverTimeout: must be a duration like 500ms, 2s or 1m, got \"soon\"");
    env.remove("FIPKEEPER_MODE");
    assertThat(problems("floatingIp: {id: 7}\nmode: {observe: true}", Map.of()))
        .containsExactly("mode: must be a single value, got a mapping");
  }

  @ParameterizedTest
  @ValueSource(strings = {"1", "301", "2.5s", "1500ms", "0", "abc", "-5", "6m"})
  void rejectsLeaseTtlsOutsideTwoToThreeHundredWholeSeconds(String ttl) throws Exception {
    env.put("FIPKEEPER_LEASE_TTL", ttl);
    assertThat(problems("floatingIp: {name: a}", Map.of())).containsExactly(
        "FIPKEEPER_LEASE_TTL: must be a whole number of seconds between 2 and 300, got \"" + ttl + "\"");
  }

  @ParameterizedTest
  @CsvSource({"2,2", "2s,2", "300,300", "5m,300", "1m30s,90", "2000ms,2"})
  void acceptsLeaseTtlsAsSecondsOrDurations(String ttl, long seconds) throws Exception {
    assertThat(load("floatingIp: {name: a}", Map.of("--lease-ttl", ttl)).etcd().leaseTtlSeconds())
        .isEqualTo(seconds);
  }

  @Test
  void suggestsTheClosestKeyForAnUnknownOne() throws Exception {
    assertThat(problems("""
        floatingIp: {name: a}
        etcd: {leaseTTL: 5s}
        hcloud: {tokenfile: /x}
        apiservr: {url: http://127.0.0.1}
        completelyDifferent: 1
        """, Map.of())).containsExactly(
        "unknown key 'etcd.leaseTTL' (did you mean 'etcd.leaseTtl'?)",
        "unknown key 'hcloud.tokenfile' (did you mean 'hcloud.tokenFile'?)",
        "unknown key 'apiservr' (did you mean 'apiserver'?)",
        "unknown key 'completelyDifferent'");
  }

  @Test
  void conflictingFloatingIpReferencesNameBothSettings() throws Exception {
    assertThat(problems("floatingIp: {id: 4, name: api}", Map.of())).containsExactly(
        "floatingIp.id: cannot be combined with floatingIp.name "
            + "(set exactly one of floatingIp.id, floatingIp.name, floatingIp.selector)");
  }

  @Test
  void aFlagReplacesTheFloatingIpReferenceOfTheFileInsteadOfConflicting() throws Exception {
    AgentConfig c = load("floatingIp: {name: api}\nfloatingIpV6: {selector: \"role=api\"}",
        Map.of("--floating-ip-id", "42"));
    assertThat(c.floatingIp()).isEqualTo(new FloatingIpRef.Id(42));
    assertThat(c.floatingIpV6()).contains(new FloatingIpRef.Selector("role=api"));
  }

  @Test
  void missingFloatingIpIsReported() throws Exception {
    assertThat(problems("node: x", Map.of())).singleElement().asString()
        .startsWith("floatingIp: not set (set one of floatingIp.id, floatingIp.name or floatingIp.selector");
  }

  @Test
  void missingTokenExplainsWhereToPutIt() throws Exception {
    env.remove("HCLOUD_TOKEN");
    assertThat(problems("floatingIp: {name: a}", Map.of())).containsExactly(
        "HCLOUD_TOKEN: not set (mount the Secret key \"token\" or set hcloud.tokenFile)");
  }

  @Test
  void tokenFileTakesPrecedenceOverTheEnvironmentAndIsReadOnEveryUse() throws Exception {
    Path token = file("token", "from-file");
    env.put("HCLOUD_TOKEN_FILE", token.toString());
    AgentConfig c = load("floatingIp: {name: a}", Map.of());
    assertThat(c.hcloud().token().read()).isEqualTo("from-file");
    Files.writeString(token, "rotated\n");
    assertThat(c.hcloud().token().read()).isEqualTo("rotated");
    assertThat(c.hcloud().token().description()).isEqualTo("file " + token);
  }

  @Test
  void theTokenNeverAppearsInToStringOrInProblems() throws Exception {
    AgentConfig c = load("floatingIp: {name: a}", Map.of());
    assertThat(c.toString()).doesNotContain(TOKEN).contains("<redacted>");
    assertThat(c.hcloud().token().read()).isEqualTo(TOKEN);

    env.put("HCLOUD_TOKEN", "two words");
    List<String> problems = problems("floatingIp: {name: a}", Map.of());
    assertThat(problems).containsExactly(
        "HCLOUD_TOKEN: the token must be one word of printable ASCII (env HCLOUD_TOKEN; value not shown)");
    assertThat(String.join("\n", problems)).doesNotContain("two words");
  }

  @Test
  void refusesATokenWrittenIntoTheConfigFile() throws Exception {
    assertThat(problems("floatingIp: {name: a}\nhcloud: {token: abc}", Map.of())).containsExactly(
        "hcloud.token: the token must not be written in the config file (set hcloud.tokenFile or HCLOUD_TOKEN)");
  }

  @Test
  void emptyOrMissingTokenFileIsReported() throws Exception {
    Path empty = file("empty", "\n");
    assertThat(problems("floatingIp: {name: a}\nhcloud: {tokenFile: " + empty + "}", Map.of()))
        .containsExactly("hcloud.tokenFile: the token is empty (file " + empty + ")");
    assertThat(problems("floatingIp: {name: a}\nhcloud: {tokenFile: " + dir.resolve("nope") + "}", Map.of()))
        .containsExactly("hcloud.tokenFile: file does not exist, got \"" + dir.resolve("nope") + "\"");
  }

  @Test
  void clientCertificateWithoutKeyIsAConflict() throws Exception {
    Path cert = file("tls.crt", "cert");
    assertThat(problems("floatingIp: {name: a}\netcd: {certFile: " + cert + "}", Map.of())).containsExactly(
        "etcd.certFile: cannot be set without etcd.keyFile or FIPKEEPER_ETCD_KEY_FILE "
            + "(client certificate and key go together)");
  }

  @Test
  void filesThatAreMissingOrDirectoriesAreReported() throws Exception {
    env.put("FIPKEEPER_ETCD_CA_FILE", dir.resolve("missing.crt").toString());
    assertThat(problems("floatingIp: {name: a}\napiserver: {caFile: " + dir + "}", Map.of())).containsExactly(
        "FIPKEEPER_ETCD_CA_FILE: file does not exist, got \"" + dir.resolve("missing.crt") + "\"",
        "apiserver.caFile: must be a regular file, got \"" + dir + "\"");
  }

  @Test
  void insecureSkipVerifyIsOnlyAllowedForLoopback() throws Exception {
    assertThat(problems("floatingIp: {name: a}\napiserver: {url: \"https://10.0.0.2:6443/readyz\", "
        + "insecureSkipVerify: true}", Map.of())).containsExactly(
        "apiserver.insecureSkipVerify: only allowed for a loopback apiserver.url (127.0.0.1, [::1] or "
            + "localhost), got apiserver.url \"https://10.0.0.2:6443/readyz\"");
    assertThat(load("floatingIp: {name: a}\napiserver: {url: \"https://[::1]:6443/readyz\", "
        + "insecureSkipVerify: true}", Map.of()).apiserver().insecureSkipVerify()).isTrue();
  }

  @Test
  void insecureSkipVerifyCannotBeCombinedWithACaFile() throws Exception {
    Path ca = file("ca.crt", "ca");
    assertThat(problems("floatingIp: {name: a}\napiserver: {caFile: " + ca + ", insecureSkipVerify: true}",
        Map.of())).containsExactly("apiserver.insecureSkipVerify: cannot be combined with apiserver.caFile "
        + "(verify with the CA or skip verification)");
  }

  @ParameterizedTest
  @CsvSource({"0.0.0.0:9847,0.0.0.0,9847", "127.0.0.1:0,127.0.0.1,0", "[::]:80,::,80", ":9000,0.0.0.0,9000",
      "localhost:1,localhost,1"})
  void parsesListenAddresses(String listen, String host, int port) throws Exception {
    env.put("FIPKEEPER_HTTP_LISTEN", listen);
    assertThat(load("floatingIp: {name: a}", Map.of()).http()).isEqualTo(new HttpSettings(host, port));
  }

  @ParameterizedTest
  @ValueSource(strings = {"9847", "example.com:80", "::1:80", "1.2.3.4:65536", "300.1.1.1:80", "[nothex]:1"})
  void rejectsListenAddressesThatDoNotParse(String listen) throws Exception {
    env.put("FIPKEEPER_HTTP_LISTEN", listen);
    assertThat(problems("floatingIp: {name: a}", Map.of())).singleElement().asString()
        .startsWith("FIPKEEPER_HTTP_LISTEN: must be host:port").endsWith("got \"" + listen + "\"");
  }

  @Test
  void malformedYamlIsReportedWithItsLine() throws Exception {
    Path f = yaml("floatingIp:\n  name: [unclosed\n");
    ConfigException e = catchThrowableOfType(ConfigException.class,
        () -> ConfigLoader.load(Optional.of(f), env, Map.of()));
    assertThat(e.problems().get(0)).startsWith(f + ": not valid YAML at line");
  }

  @Test
  void duplicateKeysAndWrongShapesAreReported() throws Exception {
    assertThat(problems("floatingIp: {name: a}\nnode: a\nnode: b", Map.of())).singleElement().asString()
        .contains("not valid YAML").contains("node");
    assertThat(problems("floatingIp: {name: a}\netcd: [a]\nnode: {x: 1}", Map.of())).containsExactly(
        "etcd: must be a mapping (endpoints, caFile, certFile, keyFile, prefix, leaseTtl, dialTimeout), got a list",
        "node: must be a single value, got a mapping");
  }

  @Test
  void aNamedConfigFileThatDoesNotExistIsAProblem() {
    Path missing = dir.resolve("nope.yaml");
    assertThatThrownBy(() -> ConfigLoader.load(Optional.of(missing), env, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(missing + ": config file does not exist");
  }

  @Test
  void worksFromTheEnvironmentAloneAndDefaultsTheNodeToTheHostName() throws Exception {
    env.remove("FIPKEEPER_NODE");
    env.put("FIPKEEPER_FLOATING_IP_SELECTOR", "role=k8s-api");
    env.put("FIPKEEPER_BINDER", "RECORDING");
    env.put("FIPKEEPER_APISERVER_PROBE", "false");
    env.put("FIPKEEPER_SERVER_ID", "12345");
    LoadedConfig loaded = ConfigLoader.loadWithOrigins(Optional.empty(), env, Map.of(), () -> "host-7");
    AgentConfig c = loaded.config();
    assertThat(c.node()).isEqualTo("host-7");
    assertThat(c.floatingIp()).isEqualTo(new FloatingIpRef.Selector("role=k8s-api"));
    assertThat(c.binder()).isEqualTo(AgentConfig.BinderKind.RECORDING);
    assertThat(c.apiserver().enabled()).isFalse();
    assertThat(c.hcloud().serverId()).contains(12345L);
    assertThat(loaded.originOf("binder")).isEqualTo("env FIPKEEPER_BINDER");
    assertThat(loaded.originOf("etcd.leaseTtl")).isEqualTo("default");
  }

  @Test
  void nodeNameFallsBackToNodeNameVariable() throws Exception {
    env.remove("FIPKEEPER_NODE");
    env.put("NODE_NAME", "k8s-node-2");
    assertThat(load("floatingIp: {name: a}", Map.of()).node()).isEqualTo("k8s-node-2");
  }

  @Test
  void everyOverridableFlagIsAcceptedAndUnknownFlagsAreAProgrammingError() {
    assertThat(ConfigLoader.overridableFlags()).containsEntry("--lease-ttl", "etcd.leaseTtl")
        .containsKeys("--node", "--floating-ip-id", "--etcd-endpoints", "--http-listen", "--binder");
    assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), env, Map.of("--nope", "1")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--nope");
  }
}
