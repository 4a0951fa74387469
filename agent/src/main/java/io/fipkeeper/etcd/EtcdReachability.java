package io.fipkeeper.etcd;

import io.fipkeeper.leader.port.ElectionEvent;
import io.fipkeeper.leader.runtime.EventInbox;
import io.fipkeeper.metrics.AgentMetrics;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Sits between the etcd election and the leader loop's inbox: forwards every event unchanged and remembers whether
 * the last word from etcd was a success or a failure, for {@code /readyz} and the keep-alive failure counter.
 * Unknown (nothing heard yet) counts as reachable: an agent whose apiserver is down does not campaign and so does
 * not talk to etcd, and must not look broken for that alone.
 */
public final class EtcdReachability implements Consumer<ElectionEvent> {
  private final EventInbox inbox;
  private final Runnable keepAliveFailed;
  /** null while reachable (or unknown); otherwise the last failure, one line. */
  private volatile String problem;

  public EtcdReachability(EventInbox inbox, AgentMetrics metrics) {
    this(inbox, metrics::keepAliveFailed);
  }

  /** @param keepAliveFailed counts a failed keep-alive (start-up: the metrics are made after the election) */
  public EtcdReachability(EventInbox inbox, Runnable keepAliveFailed) {
    this.inbox = inbox;
    this.keepAliveFailed = keepAliveFailed;
  }

  @Override
  public void accept(ElectionEvent event) {
    if (event instanceof ElectionEvent.KeepAliveError e) {
      keepAliveFailed.run();
      problem = "keep-alive failing: " + e.reason();
    } else if (event instanceof ElectionEvent.CampaignFailed e) {
      problem = "campaign failing: " + e.reason();
    } else if (!(event instanceof ElectionEvent.LeaseGone || event instanceof ElectionEvent.CampaignSuperseded)) {
      problem = null; // any answer from etcd (keep-alive, win, queued, leader or holder change) proves it is reachable
    }
    inbox.accept(event);
  }

  /** The readiness problem, if the last word from etcd was a failure. */
  public Optional<String> problem() {
    return Optional.ofNullable(problem);
  }
}
