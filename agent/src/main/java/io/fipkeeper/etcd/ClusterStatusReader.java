package io.fipkeeper.etcd;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.fipkeeper.leader.AgentSnapshot;
import io.fipkeeper.leader.HolderRecord;
import io.fipkeeper.leader.port.ElectionException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Reads {@link ClusterStatus} for {@code fipkeeper status}: the holder record, the elected leader and every agent
 * snapshot, in one bounded round of reads. Read-only; never campaigns or writes. Unreadable snapshots are skipped, not
 * fatal, so one bad agent cannot hide the others.
 */
public final class ClusterStatusReader implements AutoCloseable {

  private final Client client;
  private final ElectionKeys keys;

  /** Connects with {@code settings}; the reader owns the client. */
  public ClusterStatusReader(EtcdSettings settings, String prefix, String floatingIp) {
    this(settings.newClient(), prefix, floatingIp);
  }

  /** @param client a jetcd client; the reader owns it and closes it in {@link #close()} */
  public ClusterStatusReader(Client client, String prefix, String floatingIp) {
    this.client = Objects.requireNonNull(client, "client");
    this.keys = ElectionKeys.of(prefix, floatingIp);
  }

  /** Reads everything at once; {@code timeout} bounds the whole read. */
  public ClusterStatus read(Duration timeout) throws ElectionException {
    CompletableFuture<GetResponse> holder = client.getKVClient().get(keys.holder());
    CompletableFuture<GetResponse> leader = client.getKVClient().get(keys.electionPrefix(), ElectionObserver.FIRST_CANDIDATE);
    CompletableFuture<GetResponse> agents =
        client.getKVClient().get(keys.agentsPrefix(), GetOption.builder().isPrefix(true).build());
    try {
      BoundedCall.await(CompletableFuture.allOf(holder, leader, agents), timeout);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      throw new ElectionException("cannot read fipkeeper status from etcd: " + Failures.describe(e), Failures.unwrap(e));
    }
    HolderRecord holderRecord = null;
    if (!holder.join().getKvs().isEmpty()) {
      try {
        holderRecord = JsonCodec.holder(holder.join().getKvs().get(0).getValue().getBytes());
      } catch (IOException e) {
        throw new ElectionException("unreadable holder record at " + ElectionKeys.string(keys.holder()) + ": "
            + Failures.describe(e), e);
      }
    }
    String electedLeader = null;
    long epoch = 0;
    if (!leader.join().getKvs().isEmpty()) {
      KeyValue kv = leader.join().getKvs().get(0);
      electedLeader = ElectionIdentity.parse(ElectionKeys.string(kv.getValue())).node();
      epoch = kv.getCreateRevision();
    }
    List<AgentSnapshot> snapshots = new ArrayList<>();
    for (KeyValue kv : agents.join().getKvs()) {
      try {
        snapshots.add(JsonCodec.snapshot(kv.getValue().getBytes()));
      } catch (IOException skipped) {
        // one agent writing garbage must not hide the others
      }
    }
    snapshots.sort(Comparator.comparing(AgentSnapshot::node));
    return new ClusterStatus(holderRecord, electedLeader, epoch, snapshots);
  }

  /** A human table: one summary block, then one line per agent. */
  public static String render(ClusterStatus status) {
    StringBuilder out = new StringBuilder();
    HolderRecord h = status.holder();
    out.append("elected leader: ").append(status.electedLeader() == null ? "none" : status.electedLeader())
        .append(" (epoch ").append(status.epoch()).append(")\n");
    if (h == null) {
      out.append("holder:         none published\n");
    } else {
      out.append("holder:         ").append(h.node()).append(" server ").append(h.serverId()).append(" ip ")
          .append(h.floatingIp()).append(" epoch ").append(h.epoch()).append(" since ").append(h.since()).append('\n');
    }
    String format = "%-20s %-13s %-20s %-6s %-10s %-9s %-8s %s%n";
    out.append('\n').append(String.format(format, "NODE", "STATE", "LEADER", "BOUND", "ASSIGNED", "APISERVER", "EPOCH",
        "LAST ERROR"));
    for (AgentSnapshot a : status.agents()) {
      out.append(String.format(format, a.node(), a.state(), a.leader() == null ? "-" : a.leader(),
          a.bound() ? "yes" : "no", a.assignedServer() == null ? "-" : a.assignedServer(),
          a.apiserverHealthy() ? "ok" : "down", a.epoch(), a.lastError() == null ? "-" : a.lastError()));
    }
    if (status.agents().isEmpty()) {
      out.append("(no agent snapshots: no agent is running, or none has a lease)\n");
    }
    return out.toString();
  }

  /** The same data as JSON (instants as ISO-8601 strings). */
  public static String toJson(ClusterStatus status) {
    return JsonCodec.writeString(status);
  }

  @Override
  public void close() {
    client.close();
  }
}
