package io.fipkeeper.leader.port;

import io.fipkeeper.leader.AgentSnapshot;
import io.fipkeeper.leader.HolderRecord;
import io.fipkeeper.leader.Term;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What the leader loop needs from the election store (etcd). Implemented by {@code io.fipkeeper.etcd.EtcdElection};
 * tests use an in-memory fake. Implementations report asynchronous facts as {@link ElectionEvent}s to the
 * listener given at construction, from any thread; the loop serialises them.
 *
 * <p>Key layout under the configured prefix {@code P} for floating IP {@code F}:
 * <ul>
 *   <li>{@code P/F/election/<lease-hex>} – campaign keys (etcd's election recipe), value = the agent's identity
 *       {@code <node>/<server id>/<run id>}, attached to the lease;</li>
 *   <li>{@code P/F/holder} – JSON {@link HolderRecord}, written by the leader after assign+bind, no lease (it survives the holder);</li>
 *   <li>{@code P/F/agents/<node>} – JSON {@link AgentSnapshot} of each agent, attached to that agent's lease.</li>
 * </ul>
 */
public interface ElectionBackend extends AutoCloseable {

  /**
   * At start-up: finds the election key of this agent's previous run (same node and server id) whose lease is still
   * alive, takes that lease over (keeps it alive; the next {@link #campaign(long)} uses it, so the key keeps its place
   * and, if it leads, its term) and marks the key as this run's, which tells a previous run that is still alive to
   * stop acting. Keys of other identities are never touched. Blocking, bounded by {@code timeout}.
   *
   * @return the adopted lease id, or empty when there is nothing to adopt
   */
  Optional<Long> adoptPreviousLease(Duration timeout) throws ElectionException;

  /**
   * Grants a lease (if none is alive), starts keeping it alive and campaigns. Called on the one worker that performs
   * every etcd side effect, in the order the loop asked for them (a revoke after a campaign abandons that campaign);
   * blocks at most for bounded etcd calls, never for the campaign itself. Every call is answered with exactly one of
   * {@link ElectionEvent.ElectionWon} (this node's key is the leader key), {@link ElectionEvent.CampaignQueued} (the
   * key waits behind the leader), {@link ElectionEvent.CampaignFailed} or {@link ElectionEvent.CampaignSuperseded},
   * carrying {@code attempt} — never silence; a queued campaign is later won ({@code ElectionWon}) or ended ({@code
   * CampaignFailed}/{@code CampaignSuperseded}, with the number of the campaign that last asked). Asking again while a
   * campaign is queued re-checks it (the key keeps its place) instead of queueing a second one. Also reports
   * keep-alive outcomes and {@link ElectionEvent.LeaderSeen} whenever the observed leader changes.
   */
  void campaign(long attempt);

  /**
   * The fencing check done right before every assign: the term's lease is alive and the leader key still has
   * the term's create revision. Blocking, bounded by {@code timeout}; any doubt answers {@code false}.
   */
  boolean stillLeader(Term term, Duration timeout);

  /** Deletes the term's key so the next candidate wins at once. Bounded; a failure is logged, not thrown. */
  void resign(Term term, Duration timeout);

  /** Revokes this agent's lease (drops every key attached to it). Bounded; a failure is logged, not thrown. */
  void revoke(Duration timeout);

  /** Writes {@code P/F/holder} iff the term is still current (one Txn comparing the leader key's create revision). */
  boolean publishHolder(Term term, HolderRecord holder, Duration timeout);

  /**
   * Writes this agent's snapshot under {@code P/F/agents/<node>} attached to its lease, now or, without a lease, as
   * soon as one is kept alive (and again whenever the lease changes); best effort, never blocks.
   */
  void publishAgent(AgentSnapshot snapshot);

  @Override
  void close();
}
