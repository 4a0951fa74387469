package io.fipkeeper.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A real etcd cluster (Debian's /usr/bin/etcd), member i on node i (inside its namespace when there is one),
 * each with its own data directory so a stopped member rejoins with its state. Members are numbered from 1
 * like nodes. Health is read from each member's {@code GET /health}, never assumed after a sleep.
 */
public final class EtcdCluster implements AutoCloseable {
  public static final Path ETCD = Path.of("/usr/bin/etcd");
  private static final Duration STOP_GRACE = Duration.ofSeconds(5);

  private final List<Node> members;
  private final Path workDir;
  private final String token;
  private final HttpJson http = new HttpJson();
  private final ManagedProcess[] processes;

  /** Describes the cluster (data in workDir/etcd-data, logs in workDir); nothing runs until {@link #start()}. */
  public EtcdCluster(List<Node> members, Path workDir, String token) {
    if (members.isEmpty()) {
      throw new IllegalArgumentException("an etcd cluster needs at least one member");
    }
    this.members = List.copyOf(members);
    this.workDir = workDir;
    this.token = token;
    this.processes = new ManagedProcess[members.size() + 1];
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
  public void start(int i) {
    if (processes[i] != null && processes[i].isAlive()) {
      return;
    }
    Node m = member(i);
    String cluster = members.stream().map(n -> n.name() + "=" + n.etcdPeerUrl()).collect(Collectors.joining(","));
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
        "--initial-cluster-state", "new",
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

  /** Client URLs of all members, as agents should be configured. */
  public List<String> endpoints() {
    return members.stream().map(Node::etcdClientUrl).toList();
  }

  public int size() {
    return members.size();
  }

  public Node member(int i) {
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
