package io.fipkeeper.leader.runtime;

import io.fipkeeper.leader.AgentSnapshot;
import io.fipkeeper.leader.HolderRecord;
import io.fipkeeper.leader.Term;
import io.fipkeeper.leader.port.ElectionBackend;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** In-memory {@link ElectionBackend}: records every call; the fence answers {@link #leader}. */
final class FakeElection implements ElectionBackend {
  final List<String> calls = new CopyOnWriteArrayList<>();
  final List<HolderRecord> holders = new CopyOnWriteArrayList<>();
  final List<AgentSnapshot> agents = new CopyOnWriteArrayList<>();
  volatile boolean leader = true;
  /** The lease a previous run left alive, adopted at start-up; 0: none. */
  volatile long previousLease;
  /** Runs inside resign and revoke (block on a latch to model a slow etcd). */
  volatile Runnable slowCall = () -> { };
  volatile boolean closed;

  @Override
  public Optional<Long> adoptPreviousLease(Duration timeout) {
    calls.add("adoptPreviousLease");
    return previousLease == 0 ? Optional.empty() : Optional.of(previousLease);
  }

  /** The numbers of the campaigns asked for, in order. */
  final List<Long> attempts = new CopyOnWriteArrayList<>();

  @Override
  public void campaign(long attempt) {
    attempts.add(attempt);
    calls.add("campaign");
  }

  @Override
  public boolean stillLeader(Term term, Duration timeout) {
    calls.add("stillLeader " + term.revision());
    return leader;
  }

  @Override
  public void resign(Term term, Duration timeout) {
    slowCall.run();
    calls.add((closed ? "closed: " : "") + "resign " + term.revision());
  }

  @Override
  public void revoke(Duration timeout) {
    slowCall.run();
    calls.add((closed ? "closed: " : "") + "revoke");
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
  public void close() {
    closed = true;
  }

  long count(String call) {
    return calls.stream().filter(call::equals).count();
  }
}
