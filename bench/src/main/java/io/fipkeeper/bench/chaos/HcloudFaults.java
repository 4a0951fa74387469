package io.fipkeeper.bench.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import io.fipkeeper.bench.AgentProcess;
import io.fipkeeper.bench.Await;
import io.fipkeeper.bench.HttpJson;
import io.fipkeeper.bench.Node;
import io.fipkeeper.bench.TestbedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Faults between the agents and Hetzner: the next winner cut off the API, and the project token rotated or revoked.
 * Keeps track of the tokens (the testbed's random start token, then one per rotation) so every trial can search the
 * agents' logs, {@code /status} and {@code /metrics} for any of them.
 */
final class HcloudFaults {
  /** Between writing the new token to the agents' files and revoking the old one. */
  static final Duration ROLLOUT = Duration.ofSeconds(2);

  private final TrialKit kit;
  private final HttpJson http = new HttpJson();
  private final List<String> tokens = new ArrayList<>();
  private final Set<String> revokedByTrial = new LinkedHashSet<>();
  private String currentLabel = "default";
  private int rotations;

  HcloudFaults(TrialKit kit) {
    this.kit = kit;
    tokens.add(kit.bed.token());
  }

  /**
   * Cuts the node next in etcd's election order off the Hetzner API (its packets to the simulator are dropped at
   * the router), then kills the leader: that node wins and cannot assign; another must hold the IP within
   * {@code takeoverTimeout} + the crash bound.
   */
  FipkeeperTrials.Takeover winnerCannotReach(Node leader, Duration wait, TrialNotes notes) {
    Node next = kit.nextWinner(leader.name());
    kit.timeline.record(next.name(), "cut off the Hetzner API (next in election order)", null);
    kit.network().cutApi(next.index(), next.address());
    long t0 = System.nanoTime();
    kit.kill(kit.agent(leader));
    return kit.awaitTakeover(leader, t0, wait);
  }

  /**
   * Rotation as an operator does it: a new token is created at Hetzner, written to every agent's token file (as
   * kubelet updates a mounted Secret), the old one revoked {@link #ROLLOUT} later; then the leader is killed and the
   * failover must work with the new token. Counts requests that still carried the old one after its revocation.
   */
  FipkeeperTrials.Takeover tokenRotated(Node leader, Duration wait, TrialNotes notes) {
    String label = rollOutNewToken("rotated-");
    kit.timeline.record(leader.name(), "token files rotated to " + label, null);
    // as an operator does: roll the new token out, give it a moment, then revoke the old one
    Await.tryUntil(ROLLOUT, () -> false);
    String old = currentLabel;
    long before = requestsWith(old);
    revoke(old);
    kit.timeline.record(leader.name(), "token " + old + " revoked at Hetzner", null);
    currentLabel = label;
    long t0 = System.nanoTime();
    kit.kill(kit.agent(leader));
    FipkeeperTrials.Takeover t = kit.awaitTakeover(leader, t0, wait);
    notes.revokedTokenRequests = requestsWith(old) - before;
    notes.tokenLeaks.addAll(leaks());
    return t;
  }

  /**
   * The only token revoked, then the leader killed: nobody can assign. For {@link ChaosSettings#revokedWindow()} the
   * trial watches the agents fail; then it reads the auth-failure metric of every agent, counts the Hetzner
   * requests of the window and searches every output for the token. That is the fault; it ends with the operator's
   * fix, a new token written into every agent's token file (as kubelet updates the Secret), and the recovery is
   * measured from the fix: a node that sits out over the rejected token must notice the new one and take over.
   */
  FipkeeperTrials.Takeover tokenRevoked(Node leader, Duration wait, TrialNotes notes) {
    long before = kit.hcloudRequests();
    revoke(currentLabel);
    kit.timeline.record(leader.name(), "token " + currentLabel + " revoked at Hetzner (no replacement)", null);
    kit.kill(kit.agent(leader));
    kit.watch(kit.settings.revokedWindow(), notes);
    notes.hcloudRequests = kit.hcloudRequests() - before;
    String metric = AgentSignals.authFailureMetric();
    Double sum = null;
    for (AgentProcess a : kit.bed.agents()) {
      Optional<Double> v = a.isAlive() ? a.metrics().flatMap(m -> AgentSignals.sum(m, metric)) : Optional.empty();
      if (v.isPresent()) {
        sum = (sum == null ? 0 : sum) + v.get();
      }
    }
    notes.authFailures = sum;
    notes.tokenLeaks.addAll(leaks());
    notes.faultEnd = java.time.Instant.now(); // the rules of the fault (no flapping) end here; the fix is no flap

    String label = rollOutNewToken("fixed-");
    kit.timeline.record(leader.name(), "token files replaced by " + label + " (the operator's fix)", null);
    currentLabel = label;
    long fixed = System.nanoTime();
    FipkeeperTrials.Takeover t = kit.awaitTakeover(leader, fixed, wait);
    notes.tokenLeaks.addAll(leaks());
    return t;
  }

  /**
   * A new token made known to the simulator and written to every agent's token file — a dead agent's too, as kubelet
   * updates one Secret for every pod; returns its label ({@code prefix} and a running number).
   */
  private String rollOutNewToken(String prefix) {
    String label = prefix + (++rotations);
    String token = newToken();
    kit.bed.sim().addToken(label, token);
    tokens.add(token);
    for (AgentProcess a : kit.bed.agents()) {
      a.writeToken(token);
    }
    return label;
  }

  /** Accepts every token a trial revoked again, so the next trial's agents (whatever they hold) can work. */
  void restore() {
    for (String label : revokedByTrial) {
      kit.bed.sim().revokeToken(label, false);
    }
    revokedByTrial.clear();
  }

  private void revoke(String label) {
    kit.bed.sim().revokeToken(label, true);
    revokedByTrial.add(label);
  }

  private long requestsWith(String label) {
    for (JsonNode t : kit.bed.sim().tokens().path("tokens")) {
      if (t.path("label").asText().equals(label)) {
        return t.path("requests").asLong();
      }
    }
    throw new TestbedException("the simulator knows no token labelled " + label);
  }

  /** Where any token value shows up: each agent's log, /status and /metrics, and the simulator's log. */
  List<String> leaks() {
    List<String> found = new ArrayList<>();
    for (AgentProcess a : kit.bed.agents()) {
      String name = a.node().name();
      search("agent " + name + " log", read(a.log()), found);
      if (a.isAlive()) {
        search("agent " + name + " /status", body(a.statusUrl()), found);
        search("agent " + name + " /metrics", a.metrics().orElse(""), found);
      }
    }
    search("simulator log", read(kit.bed.workDir().resolve("hcloud-sim.log")), found);
    return found;
  }

  private void search(String where, String text, List<String> found) {
    for (int i = 0; i < tokens.size(); i++) {
      if (text.contains(tokens.get(i))) {
        found.add(where + " contains token #" + (i + 1) + " (value not shown)");
      }
    }
  }

  private String body(String url) {
    try {
      return http.get(url).body();
    } catch (TestbedException e) {
      return "";
    }
  }

  private static String read(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p) : "";
    } catch (IOException e) {
      return "";
    }
  }

  private static String newToken() {
    byte[] b = new byte[24];
    new SecureRandom().nextBytes(b);
    return "tb-" + HexFormat.of().formatHex(b);
  }
}
