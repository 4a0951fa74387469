package io.fipkeeper.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A real etcd cluster (Debian's /usr/bin/etcd), member i on node i (inside its namespace when there is one),
 * each with its own data directory so a stopped member rejoins with its state. Members are numbered from 1
 * like nodes. Health is read from each member's {@code GET /health}, never assumed after a sleep.
 */
public final class EtcdCluster implements AutoCloseable {
  public static final Path ETCD = Path.of("/usr/bin/etcd");
  private static final Duration STOP_GRACE = Duration.ofSeconds(5);
  private static final Duration RECONFIGURE_PATIENCE = Duration.ofSeconds(60);

  public static final Path ETCDCTL = Path.of("/usr/bin/etcdctl");
  private final List<Node> members;
  /** Per member: --initial-cluster / --initial-cluster-state for its first start (a replaced member joins). */
  private final String[] initialCluster;
  private final String[] initialState;
  private final Path workDir;
  private final String token;
  private final HttpJson http = new HttpJson();
  private final ManagedProcess[] processes;

  /** Describes the cluster (data in workDir/etcd-data, logs in workDir); nothing runs until {@link #start()}. */
  public EtcdCluster(List<Node> members, Path workDir, String token) {
    if (members.isEmpty()) {
      throw new IllegalArgumentException("an etcd cluster needs at least one member");
    }
    this.members = new ArrayList<>(members);
    this.workDir = workDir;
    this.token = token;
    this.processes = new ManagedProcess[members.size() + 1];
    this.initialCluster = new String[members.size() + 1];
    this.initialState = new String[members.size() + 1];
  }

  /** Starts every member (they elect a leader once a majority is up). */
  public EtcdCluster start() {
    if (!ETCD.toFile().canExecute()) {
      throw new TestbedException(ETCD + " is missing: apt-get install etcd-server");
    }
    for (int i = 1; i <= members.size(); i++) {
      start(i);
    }
    return this;
  }

  /** Starts (or restarts) member i with its existing data directory. */
  public synchronized void start(int i) {
    if (processes[i] != null && processes[i].isAlive()) {
      return;
    }
    Node m = member(i);
    String cluster = initialCluster[i] != null ? initialCluster[i]
        : members.stream().map(n -> n.name() + "=" + n.etcdPeerUrl()).collect(Collectors.joining(","));
    List<String> argv = m.command(List.of(
        ETCD.toString(),
        "--name", m.name(),
        "--data-dir", workDir.resolve("etcd-data").resolve(m.name()).toString(),
        "--listen-client-urls", m.etcdClientUrl(),
        "--advertise-client-urls", m.etcdClientUrl(),
        "--listen-peer-urls", m.etcdPeerUrl(),
        "--initial-advertise-peer-urls", m.etcdPeerUrl(),
        "--initial-cluster", cluster,
        "--initial-cluster-token", token,
        "--initial-cluster-state", initialState[i] != null ? initialState[i] : "new",
        "--heartbeat-interval", "100",
        "--election-timeout", "1000",
        "--logger", "zap",
        "--log-level", "warn"));
    processes[i] = ManagedProcess.start("etcd-" + m.name(), argv, Map.of(), workDir.resolve("etcd-" + m.name() + ".log"));
  }

  /** Waits until every running member reports healthy (which needs a quorum). */
  public EtcdCluster waitHealthy(Duration timeout) {
    for (int i = 1; i <= members.size(); i++) {
      if (isRunning(i)) {
        int m = i;
        Await.until("etcd member " + member(m).name() + " healthy at " + member(m).etcdClientUrl(), timeout, () -> {
          if (!processes[m].isAlive()) {
            throw new TestbedException("etcd member " + member(m).name() + " exited:\n" + processes[m].tail(5));
          }
          return isHealthy(m);
        });
      }
    }
    return this;
  }

  /** Whether member i answers {@code /health} with {@code "health":"true"}. */
  public boolean isHealthy(int i) {
    try {
      HttpJson.Response r = http.get(member(i).etcdClientUrl() + "/health");
      JsonNode health = r.json().path("health");
      return r.status() == 200 && "true".equals(health.asText());
    } catch (TestbedException e) {
      return false;
    }
  }

  /** SIGKILL member i (a crash: no goodbye to its peers). */
  public void kill(int i) {
    if (processes[i] != null) {
      processes[i].sigkill();
    }
  }

  /** Freezes member i (SIGSTOP): it keeps its sockets but answers nothing until {@link #resume(int)}. */
  public void pause(int i) {
    if (processes[i] != null) {
      processes[i].pause();
    }
  }

  public void resume(int i) {
    if (processes[i] != null) {
      processes[i].resume();
    }
  }

  /**
   * The member that is raft leader now, by asking each running member's {@code /v3/maintenance/status} (etcd's
   * JSON gateway) and taking the one whose own id is the leader id it reports; empty when none answers so.
   */
  public java.util.Optional<Integer> raftLeader() {
    for (int i = 1; i <= members.size(); i++) {
      if (!isRunning(i)) {
        continue;
      }
      try {
        JsonNode st = http.post(member(i).etcdClientUrl() + "/v3/maintenance/status", "{}").json();
        String self = st.path("header").path("member_id").asText();
        if (!self.isEmpty() && self.equals(st.path("leader").asText())) {
          return java.util.Optional.of(i);
        }
      } catch (TestbedException e) {
        // this member does not answer: ask the next
      }
    }
    return java.util.Optional.empty();
  }

  /** A key of {@link #range}: its name, value and create revision. */
  public record Kv(String key, String value, long createRevision) {}

  /** Every key under {@code prefix}, read from member i through the JSON gateway (a linearizable read). */
  public List<Kv> range(int i, String prefix) {
    return read(i, prefix, true);
  }

  /** Whether {@code key} exists, as member i sees it (a linearizable read: needs a quorum). */
  public boolean exists(int i, String key) {
    return !read(i, key, false).isEmpty();
  }

  private List<Kv> read(int i, String prefix, boolean isPrefix) {
    java.util.Base64.Encoder b64 = java.util.Base64.getEncoder();
    byte[] end = prefix.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    end[end.length - 1]++;
    String body = "{\"key\":\"" + b64.encodeToString(prefix.getBytes(java.nio.charset.StandardCharsets.UTF_8))
        + (isPrefix ? "\",\"range_end\":\"" + b64.encodeToString(end) : "") + "\"}";
    HttpJson.Response r = http.post(member(i).etcdClientUrl() + "/v3/kv/range", body);
    if (r.status() != 200) {
      throw new TestbedException("etcd range " + prefix + " on " + member(i).name() + " answered " + r.status());
    }
    List<Kv> out = new ArrayList<>();
    for (JsonNode kv : r.json().path("kvs")) {
      out.add(new Kv(decode(kv.path("key").asText()), decode(kv.path("value").asText()),
          kv.path("create_revision").asLong()));
    }
    return out;
  }

  private static String decode(String b64) {
    return new String(java.util.Base64.getDecoder().decode(b64), java.nio.charset.StandardCharsets.UTF_8);
  }

  /** SIGTERM member i and wait for it to exit. */
  public void stop(int i) {
    if (processes[i] != null) {
      processes[i].stop(STOP_GRACE);
    }
  }

  public boolean isRunning(int i) {
    return processes[i] != null && processes[i].isAlive();
  }

  /** Stops a majority (the highest-numbered members) so the cluster has no quorum; returns who was stopped. */
  public List<Integer> loseQuorum() {
    List<Integer> stopped = new ArrayList<>();
    int toStop = members.size() / 2 + 1;
    for (int i = members.size(); i >= 1 && stopped.size() < toStop; i--) {
      if (isRunning(i)) {
        stop(i);
        stopped.add(i);
      }
    }
    return stopped;
  }

  /** Starts every stopped member and waits for the cluster to be healthy again. */
  public void restoreQuorum(Duration timeout) {
    for (int i = 1; i <= members.size(); i++) {
      start(i);
    }
    waitHealthy(timeout);
  }

  /**
   * What an operator does with {@code talosctl etcd remove-member} for a dead node: {@code etcdctl member remove}
   * of member i (found by peer URL), asked of the running members. Returns whether it was listed.
   */
  public synchronized boolean removeMember(int i) {
    String peer = member(i).etcdPeerUrl();
    Optional<String[]> listed = listed(peer);
    if (listed.isEmpty()) {
      return false;
    }
    // asked of the others: a live member answers its own removal with "server stopped" as it shuts down
    reconfigure(() -> etcdctlExcept(i, "member", "remove", listed.get()[0]), () -> listed(peer).isEmpty());
    return true;
  }

  /**
   * A new control-plane node joining the existing cluster in member i's slot: once every running member reports
   * healthy, {@code etcdctl member add} with its peer URL, then its first start with {@code
   * --initial-cluster-state existing} and the membership as listed then, on an empty data dir. Call {@link
   * #removeMember(int)} first: adding while a dead member is still listed grows the quorum with a member that cannot
   * vote yet.
   */
  public synchronized void addMember(int i, Node joining) {
    for (int k = 1; k <= members.size(); k++) {
      int m = k;
      if (k != i && isRunning(k)) {
        Await.until("etcd member " + member(m).name() + " healthy before adding " + joining.name(), RECONFIGURE_PATIENCE,
            () -> isHealthy(m));
      }
    }
    String peer = joining.etcdPeerUrl();
    reconfigure(() -> etcdctl("member", "add", joining.name(), "--peer-urls=" + peer), () -> listed(peer).isPresent());
    // started members by name, the unstarted new one (etcd lists it without a name) by ours
    String cluster = etcdctl("member", "list").lines().map(l -> l.split(",\\s*")).filter(f -> f.length >= 4)
        .map(f -> (f[3].equals(peer) ? joining.name() : f[2]) + "=" + f[3]).collect(Collectors.joining(","));
    if (processes[i] != null) {
      processes[i].sigkill();
    }
    members.set(i - 1, joining);
    initialCluster[i] = cluster;
    initialState[i] = "existing";
    Testbed.deleteTree(workDir.resolve("etcd-data").resolve(joining.name()));
    processes[i] = null;
    start(i);
  }

  /**
   * A membership change, retried while it fails for a passing reason: etcd refuses to add or remove a voting member
   * until every other one has been connected for its health interval (5 s, "unhealthy cluster"), e.g. right after
   * a member joined, and a change proposed while etcd elects a leader times out. A timed-out change may still have
   * been applied, so {@code done} is asked before each retry. An operator does the same.
   */
  private void reconfigure(Runnable change, java.util.function.BooleanSupplier done) {
    long deadline = System.nanoTime() + RECONFIGURE_PATIENCE.toNanos();
    while (true) {
      try {
        change.run();
        return;
      } catch (TestbedException e) {
        String m = e.getMessage();
        boolean passing = m.contains("unhealthy cluster") || m.contains("request timed out")
            || m.contains("deadline exceeded") || m.contains("leader changed") || m.contains("server stopped");
        if (!passing || System.nanoTime() - deadline > 0) {
          throw e;
        }
        Await.tryUntil(Duration.ofMillis(500), () -> false);
        if (done.getAsBoolean()) {
          return;
        }
      }
    }
  }

  /** Whether member i (by peer URL) is in the cluster's member list. */
  public synchronized boolean isListed(int i) {
    return listed(member(i).etcdPeerUrl()).isPresent();
  }

  /** The member-list fields (id, status, name, peer URLs, ...) of the member with this peer URL. */
  private Optional<String[]> listed(String peerUrl) {
    return etcdctl("member", "list").lines().map(l -> l.split(",\\s*"))
        .filter(f -> f.length >= 4 && f[3].equals(peerUrl)).findFirst();
  }

  /** Runs etcdctl (v3 API) against every running member; fails with its stderr. */
  private String etcdctl(String... args) {
    return etcdctlExcept(0, args);
  }

  /** Runs etcdctl against every running member but member {@code except} (0: none). */
  private String etcdctlExcept(int except, String... args) {
    List<String> live = new ArrayList<>();
    for (int k = 1; k <= members.size(); k++) {
      if (k != except && isRunning(k)) {
        live.add(member(k).etcdClientUrl());
      }
    }
    List<String> argv = new ArrayList<>(List.of(ETCDCTL.toString(), "--endpoints=" + String.join(",", live),
        "--dial-timeout=5s", "--command-timeout=15s"));
    argv.addAll(List.of(args));
    // a member change waits for a raft round; on a loaded 2-core machine an etcd leader can stall for seconds
    Command.Result r = Command.exec(argv, 25_000);
    if (r.exitCode() != 0) {
      throw new TestbedException("etcdctl " + String.join(" ", args) + " failed (exit " + r.exitCode() + "): "
          + r.stderr().strip());
    }
    return r.stdout();
  }

  /** Client URLs of all members, as agents should be configured. */
  public List<String> endpoints() {
    return members.stream().map(Node::etcdClientUrl).toList();
  }

  public int size() {
    return members.size();
  }

  public synchronized Node member(int i) {
    return members.get(i - 1);
  }

  public ManagedProcess process(int i) {
    return processes[i];
  }

  /**
   * Kills every member: the data is thrown away with the testbed, and a graceful stop of all members at once
   * makes the leader wait out its leadership transfer (5 s) to peers that are stopping too.
   */
  @Override
  public void close() {
    for (int i = 1; i <= members.size(); i++) {
      if (processes[i] != null) {
        processes[i].sigkill();
      }
    }
  }
}
