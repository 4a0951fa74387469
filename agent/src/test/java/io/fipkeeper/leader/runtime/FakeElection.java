package io.fipkeeper.leader.runtime;

import io.fipkeeper.leader.AgentSnapshot;
import io.fipkeeper.leader.HolderRecord;
import io.fipkeeper.leader.Term;
import io.fipkeeper.leader.port.ElectionBackend;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** In-memory {@link ElectionBackend}: records every call; the fence answers {@link #leader}. */
final class FakeElection implements ElectionBackend {
  final List<String> calls = new CopyOnWriteArrayList<>();
  final List<HolderRecord> holders = new CopyOnWriteArrayList<>();
  final List<AgentSnapshot> agents = new CopyOnWriteArrayList<>();
  volatile boolean leader = true;

  @Override
  public void clearStaleKey(Duration timeout) {
    calls.add("clearStaleKey");
  }

  @Override
  public void campaign() {
    calls.add("campaign");
  }

  @Override
  public boolean stillLeader(Term term, Duration timeout) {
    calls.add("stillLeader " + term.revision());
    return leader;
  }

  @Override
  public void resign(Term term, Duration timeout) {
    calls.add("resign " + term.revision());
  }

  @Override
  public void revoke(Duration timeout) {
    calls.add("revoke");
  }

  @Override
  public boolean publishHolder(Term term, HolderRecord holder, Duration timeout) {
    calls.add("publishHolder " + term.revision());
    holders.add(holder);
    return true;
  }

  @Override
  public void publishAgent(AgentSnapshot snapshot) {
    agents.add(snapshot);
  }

  @Override
  public void close() {}

  long count(String call) {
    return calls.stream().filter(call::equals).count();
  }
}
