package io.fipkeeper.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fipkeeper.bench.Await;
import io.fipkeeper.bench.Network;
import io.fipkeeper.bench.Testbed;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The image that {@code make image} builds, run by podman the way the chart runs the pod: the DaemonSet rendered by
 * Helm, its ConfigMap and Secret mounted read-only, uid 0 with every capability dropped but NET_ADMIN, read-only
 * root, no-new-privileges, the chart's memory limit, the pod's host network being a node of the namespace testbed
 * (bench's {@link Testbed}: real etcd, the Hetzner simulator, floating-IP routing). Two nodes, one container each.
 * The Hetzner API is reached over HTTPS through {@link TlsProxy}, whose test CA is added to the image the way a user
 * adds a corporate CA (docs/deployment.md: a derived image that runs {@code update-ca-certificates}).
 *
 * <p>Differences from a cluster, on purpose: each node's config is rendered with that node's metadata URL (the
 * simulator serves metadata per server path, not per source address), the apiserver gate is off (there is no
 * apiserver on the node's loopback), etcd is plain HTTP. Needs root and podman; skips with a message without them,
 * except under CI ({@code CI=true}), where a missing podman fails the test.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
@TestMethodOrder(OrderAnnotation.class)
class ImageSmokeTest {
  private static final int RUN = 12;
  private static final String TOKEN = "image-smoke-token";
  private static final Path WORK = Path.of("/var/tmp/fipkeeper-image-smoke");
  private static final String FIP = Network.FLOATING_IP;
  private static final int HTTP_PORT = 9847;
  private static final long NET_ADMIN = 1L << 12;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private static Podman podman;
  private static Testbed bed;
  private static TlsProxy proxy;
  private static String baseImage;
  private static String caImage;
  private static final Map<Integer, ChartPod> pods = new TreeMap<>();
  private static long readyMillis;
  private static long jvmReadyMillis;

  @BeforeAll
  static void startTwoNodesFromTheImage() throws Exception {
    requirePodmanAsRoot();
    Path archive = ImageArchive.build(Files.createTempFile("fipkeeper-build-image", ".log"));
    System.out.printf("image archive %s: %.1f MiB%n", archive, Files.size(archive) / 1048576.0);
    podman = Podman.open(WORK);
    baseImage = podman.load(archive);

    bed = Testbed.builder().run(RUN).nodes(2).etcdMembers(1).token(TOKEN)
        .simJar(RepoPaths.root().resolve("hcloud-sim/target/hcloud-sim.jar"))
        .workDir(WORK.resolve("testbed")).build();
    URI sim = URI.create(bed.sim().apiUrl());
    proxy = TlsProxy.start(Network.HARNESS_ADDRESS, new InetSocketAddress(sim.getHost(), sim.getPort()));
    caImage = imageTrusting(proxy.caCertificate());

    for (int i = 1; i <= 2; i++) {
      ChartPod pod = ChartPod.render(values(i));
      pods.put(i, pod);
      podman.run(concat("create", pod.createArgs(container(i), caImage, node(i),
          Path.of("/run/netns", Network.prefix(RUN) + "n" + i), WORK.resolve("pod-" + i))));
    }
    long t0 = System.nanoTime();
    podman.run("start", container(1));
    double[] uptimeAtReady = new double[1];
    Await.until("/readyz 200 from the container on cp-1", Duration.ofSeconds(60), () -> {
      failIfExited(1);
      boolean ready = get(1, "/readyz").map(r -> r.statusCode() == 200).orElse(false);
      if (ready) {
        readyMillis = (System.nanoTime() - t0) / 1_000_000;
        uptimeAtReady[0] = uptimeSeconds();
      }
      return ready;
    });
    jvmReadyMillis = Math.round(uptimeAtReady[0] * 1000) - startTicks(podman.pid(container(1))) * 10;
    awaitLeader(1);
    podman.run("start", container(2));
    Await.until("the container on cp-2 campaigning behind cp-1", Duration.ofSeconds(60), () -> {
      failIfExited(2);
      return status(2).map(s -> s.path("state").asText().equals("CAMPAIGNING")
          && s.path("leader").asText().equals(node(1))).orElse(false);
    });
  }

  @AfterAll
  static void removeEverything() {
    if (podman != null) {
      for (int i = 1; i <= 2; i++) {
        System.out.println("--- log of " + container(i) + " (tail)\n" + tail(podman.logs(container(i)), 15));
      }
      podman.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    if (bed != null) {
      bed.close();
    }
  }

  @Test
  @Order(1)
  void becomesReadyAndBindsTheFloatingIpInTheNodesNamespaceWithOnlyNetAdmin() throws IOException {
    System.out.printf("start to ready inside the container: %d ms from podman start, about %d ms from the JVM's start"
        + " (10 ms clock ticks) to /readyz 200%n", readyMillis, jvmReadyMillis);

    assertThat(bed.network().orElseThrow().addresses(1)).contains(FIP + "/32");
    assertThat(bed.network().orElseThrow().addresses(2)).doesNotContain(FIP + "/32");
    // from outside, through the router's floating-IP route, as a kubeconfig would reach it
    JsonNode viaFip = JSON.readTree(send("http://" + FIP + ":" + HTTP_PORT + "/status").orElseThrow().body());
    assertThat(viaFip.path("node").asText()).isEqualTo(node(1));

    Map<String, String> proc = procStatus(podman.pid(container(1)));
    assertThat(Long.parseLong(proc.get("CapEff"), 16)).as("effective capabilities").isEqualTo(NET_ADMIN);
    assertThat(Long.parseLong(proc.get("CapBnd"), 16)).as("bounding set").isEqualTo(NET_ADMIN);
    assertThat(proc.get("NoNewPrivs")).isEqualTo("1");
    assertThat(proc.get("Uid").split("\\s+")[0]).isEqualTo("0");
    Podman.Result write = podman.exec(List.of("exec", container(1), "touch", "/probe"));
    assertThat(write.exitCode()).isNotZero();
    assertThat(write.stderr()).contains("Read-only file system");
  }

  @Test
  @Order(2)
  void reachesHetznerOverTlsTrustingTheCaAddedToTheImagesBundle() {
    long serverId = bed.sim().serverId(node(1));
    assertThat(bed.sim().assignedServer(bed.floatingIpId())).contains(serverId);
    assertThat(proxy.handshakes()).as("TLS handshakes through the proxy").isPositive();
    assertThat(proxy.failedHandshakes()).isZero();
    assertThat(bed.sim().history().toString()).contains("/actions/assign");

    // the CA is in the derived image's Java trust store, and only there
    List<String> keytool = List.of("run", "--rm", "--network", "none", "--entrypoint", "keytool");
    List<String> list = List.of("-list", "-cacerts", "-storepass", "changeit", "-alias", "debian:fipkeeper-smoke-ca.pem");
    assertThat(podman.exec(concat(concat(keytool, Podman.keepHostLimits()), concat(caImage, list))).exitCode()).isZero();
    assertThat(podman.exec(concat(concat(keytool, Podman.keepHostLimits()), concat(baseImage, list))).exitCode())
        .isNotZero();
  }

  @Test
  @Order(3)
  void fipkeeperStatusThroughPodmanExecListsEveryNode() {
    JsonNode[] status = new JsonNode[1];
    // every agent with a lease is listed; the standby's snapshot is written as soon as its lease is
    Await.until("fipkeeper status in the container on cp-2 listing cp-1 LEADING and cp-2 CAMPAIGNING",
        Duration.ofSeconds(10), () -> {
          Podman.Result r = podman.exec(List.of("exec", container(2),
              "fipkeeper", "status", "--json", "--config", "/etc/fipkeeper/config.yaml"));
          assertThat(r.exitCode()).as("fipkeeper status: %s", r.stderr()).isZero();
          try {
            status[0] = JSON.readTree(r.stdout());
          } catch (IOException e) {
            throw new AssertionError("fipkeeper status --json is not JSON: " + r.stdout(), e);
          }
          Map<String, String> states = new TreeMap<>();
          status[0].path("agents").forEach(a -> states.put(a.path("node").asText(), a.path("state").asText()));
          return states.equals(Map.of(node(1), "LEADING", node(2), "CAMPAIGNING"));
        });
    assertThat(status[0].path("electedLeader").asText()).isEqualTo(node(1));
    assertThat(status[0].path("holder").path("node").asText()).isEqualTo(node(1));
    assertThat(status[0].path("holder").path("floatingIp").asText()).isEqualTo(FIP);
  }

  @Test
  @Order(4)
  void residentMemoryOfTheAgentInsideTheContainer() throws IOException {
    long pid = podman.pid(container(1));
    String maps = Files.readString(Path.of("/proc/" + pid + "/maps"));
    assertThat(maps).as("the agent maps the image's AppCDS archive").contains("/app/fipkeeper.jsa");

    // a short steady state: the leader verifies the assignment, serves probes and scrapes
    List<Long> rssKib = new ArrayList<>();
    for (int s = 0; s < 20; s++) {
      get(1, "/metrics");
      rssKib.add(Long.parseLong(procStatus(pid).get("VmRSS").split("\\s+")[0]));
      sleepOneSecond();
    }
    long standbyKib = Long.parseLong(procStatus(podman.pid(container(2))).get("VmRSS").split("\\s+")[0]);
    long last = rssKib.get(rssKib.size() - 1);
    long max = rssKib.stream().mapToLong(Long::longValue).max().orElseThrow();
    String limit = pods.get(1).memoryLimit();
    Map<String, String> leaderStatus = procStatus(pid);
    System.out.printf("agent RSS inside the container: leader %.1f MiB (max %.1f MiB over 20 s; anonymous %s, file %s),"
        + " standby %.1f MiB; goal <= 96 MiB, chart limit %s%n", last / 1024.0, max / 1024.0,
        leaderStatus.get("RssAnon"), leaderStatus.get("RssFile"), standbyKib / 1024.0, limit);
    assertThat(max).as("RSS in KiB stays under the chart's memory limit " + limit)
        .isLessThan(Long.parseLong(limit.replace("Mi", "")) * 1024);
  }

  @Test
  @Order(5)
  void sigtermHandsTheFloatingIpOverWithinTheGracePeriod() {
    int grace = pods.get(1).terminationGracePeriodSeconds();
    long t0 = System.nanoTime();
    podman.run("stop", "--time", Integer.toString(grace), container(1));
    long stopMillis = (System.nanoTime() - t0) / 1_000_000;
    System.out.printf("SIGTERM to exit of the leader's container: %d ms (grace period %d s)%n", stopMillis, grace);

    assertThat(podman.exitCode(container(1))).as("exit code (137 = killed at the end of the grace period)").isZero();
    assertThat(stopMillis).isLessThan(grace * 1000L);
    awaitLeader(2);
    assertThat(bed.network().orElseThrow().addresses(1)).doesNotContain(FIP + "/32");
    assertThat(podman.logs(container(1))).contains("signal received signal=TERM");
  }

  // ---- helpers -------------------------------------------------------------------------------------------

  private static void requirePodmanAsRoot() {
    boolean ci = "true".equals(System.getenv("CI"));
    if (!Testbed.isRoot()) {
      Assumptions.abort("the image smoke test needs root (podman, network namespaces): skipped");
    }
    if (!Podman.installed()) {
      if (ci) {
        fail("podman or runc is missing on a CI machine: scripts/install-deps.sh installs them");
      }
      Assumptions.abort("podman or runc is not installed (make deps installs them): image smoke test skipped");
    }
  }

  /** A derived image with the test CA in its trust store, built the way docs/deployment.md tells users to. */
  private static String imageTrusting(Path caPem) throws IOException {
    Path context = Files.createDirectories(WORK.resolve("ca-image"));
    Files.copy(caPem, context.resolve("fipkeeper-smoke-ca.crt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.writeString(context.resolve("Containerfile"), "FROM " + baseImage + "\n"
        + "COPY fipkeeper-smoke-ca.crt /usr/local/share/ca-certificates/\n"
        + "RUN update-ca-certificates\n");
    String tag = "localhost/fipkeeper-smoke-ca:latest";
    // chroot isolation: RUN needs no OCI runtime or cgroup
    podman.run("build", "--isolation", "chroot", "--pull=never", "--tag", tag, context.toString());
    return tag;
  }

  private static String values(int i) {
    return """
        floatingIp:
          name: %s
        hcloud:
          token: %s
          endpoint: https://%s:%d/v1
          metadataUrl: %s
        etcd:
          endpoints: [%s]
        apiserver:
          enabled: false
        """.formatted(Testbed.FLOATING_IP_NAME, TOKEN, Network.HARNESS_ADDRESS, proxy.port(),
        bed.sim().metadataUrl(node(i)), String.join(", ", bed.etcd().endpoints()));
  }

  private static void awaitLeader(int i) {
    long serverId = bed.sim().serverId(node(i));
    Await.until(node(i) + " LEADING, bound, and the floating IP on its server", Duration.ofSeconds(60), () -> {
      failIfExited(i);
      boolean leading = status(i).map(s -> s.path("state").asText().equals("LEADING")
          && s.path("bound").asBoolean()).orElse(false);
      return leading && bed.sim().assignedServer(bed.floatingIpId()).orElse(-1L) == serverId
          && bed.network().orElseThrow().addresses(i).contains(FIP + "/32");
    });
  }

  private static void failIfExited(int i) {
    String state = podman.run("inspect", "--format", "{{.State.Status}}", container(i)).strip();
    if (state.equals("exited") || state.equals("stopped")) {
      throw new AssertionError(container(i) + " exited:\n" + tail(podman.logs(container(i)), 30));
    }
  }

  private static Optional<JsonNode> status(int i) {
    return get(i, "/status").filter(r -> r.statusCode() == 200).map(r -> {
      try {
        return JSON.readTree(r.body());
      } catch (IOException e) {
        throw new AssertionError("/status is not JSON: " + r.body(), e);
      }
    });
  }

  private static Optional<HttpResponse<String>> get(int i, String path) {
    return send("http://" + Network.nodeAddress(i) + ":" + HTTP_PORT + path);
  }

  private static Optional<HttpResponse<String>> send(String url) {
    try {
      HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build();
      return Optional.of(HTTP.send(req, HttpResponse.BodyHandlers.ofString()));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private static Map<String, String> procStatus(long pid) throws IOException {
    Map<String, String> fields = new TreeMap<>();
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        fields.put(line.substring(0, colon), line.substring(colon + 1).strip());
      }
    }
    return fields;
  }

  /** When the process started, in clock ticks (100 Hz) since boot: field 22 of /proc/PID/stat. */
  private static long startTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] afterName = stat.substring(stat.lastIndexOf(')') + 2).split(" "); // [0] is field 3
    return Long.parseLong(afterName[19]);
  }

  private static double uptimeSeconds() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/uptime")).split(" ")[0]);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void sleepOneSecond() {
    // sampling memory once a second is the measurement itself, not a wait for a state
    try {
      Thread.sleep(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String container(int i) {
    return "fipkeeper-" + node(i);
  }

  private static String node(int i) {
    return "cp-" + i;
  }

  private static List<String> concat(String first, List<String> rest) {
    List<String> all = new ArrayList<>(List.of(first));
    all.addAll(rest);
    return all;
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static String tail(String text, int lines) {
    String[] all = text.split("\n");
    return String.join("\n", java.util.Arrays.asList(all).subList(Math.max(0, all.length - lines), all.length));
  }
}
