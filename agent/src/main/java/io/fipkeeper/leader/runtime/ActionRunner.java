package io.fipkeeper.leader.runtime;

import io.fipkeeper.leader.Action;
import io.fipkeeper.leader.AgentSnapshot;
import io.fipkeeper.leader.Event;
import io.fipkeeper.leader.HolderRecord;
import io.fipkeeper.leader.LeaderSettings;
import io.fipkeeper.leader.Term;
import io.fipkeeper.leader.port.AddressBinder;
import io.fipkeeper.leader.port.ElectionBackend;
import io.fipkeeper.leader.port.FloatingIpTakeover;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Performs the machine's actions against the ports. Binding runs on the loop thread (a local, fast call); etcd and
 * Hetzner calls run on their own workers and report back through the inbox, so no remote call can hold up the
 * loop's deadlines. Every failure becomes an event or a log line, never an exception out of {@link #run}.
 */
final class ActionRunner {
  /** Bound on etcd calls that are not the fence (resign, revoke, publish); each gets a fresh timeout. */
  static final Duration ETCD_TIMEOUT = Duration.ofSeconds(2);
  /** Bound on the fencing check; a slow answer is a "no". */
  static final Duration FENCE_TIMEOUT = Duration.ofSeconds(1);

  private static final Logger log = LoggerFactory.getLogger(ActionRunner.class);

  private final LeaderSettings settings;
  private final ElectionBackend election;
  private final FloatingIpTakeover takeover;
  private final AddressBinder binder;
  private final InetAddress address;
  private final EventInbox inbox;
  private final LoopThreads threads;
  private final InstantSource clock;
  private final Predicate<Term> locallyLeading;

  ActionRunner(LeaderSettings settings, ElectionBackend election, FloatingIpTakeover takeover, AddressBinder binder,
      InetAddress address, EventInbox inbox, LoopThreads threads, InstantSource clock,
      Predicate<Term> locallyLeading) {
    this.settings = settings;
    this.election = election;
    this.takeover = takeover;
    this.binder = binder;
    this.address = address;
    this.inbox = inbox;
    this.threads = threads;
    this.clock = clock;
    this.locallyLeading = locallyLeading;
  }

  void run(Action action) {
    if (action instanceof Action.Campaign) {
      campaign();
    } else if (action instanceof Action.Assign a) {
      submit(threads.takeover(), "assign", () -> assign(a.term()));
    } else if (action instanceof Action.VerifyAssignment) {
      submit(threads.takeover(), "verify", this::verify);
    } else if (action instanceof Action.Bind) {
      bind();
    } else if (action instanceof Action.Unbind) {
      unbind();
    } else if (action instanceof Action.PublishHolder p) {
      submit(threads.election(), "publish", () -> publish(p.term()));
    } else if (action instanceof Action.Resign r) {
      submit(threads.election(), "resign", () -> {
        election.resign(r.term(), ETCD_TIMEOUT);
        log.info("resigned term={} node={}", r.term().revision(), settings.node());
      });
    } else if (action instanceof Action.Revoke) {
      submit(threads.election(), "revoke", () -> {
        election.revoke(ETCD_TIMEOUT);
        log.info("revoked lease node={}", settings.node());
      });
    } else if (action instanceof Action.ScheduleRetry r) {
      log.warn("will retry action=takeover retry_in={} error={}", r.delay(), r.reason());
    } else if (action instanceof Action.ReportFailover f) {
      log.info("failover completed fip={} elapsed={}ms", takeover.address(), f.elapsed().toMillis());
    }
  }

  /** Publishes this agent's snapshot in etcd; best effort, off the loop thread. */
  void publishAgent(AgentSnapshot snapshot) {
    submit(threads.election(), "publish-agent", () -> election.publishAgent(snapshot));
  }

  private void campaign() {
    try {
      election.campaign();
    } catch (RuntimeException e) {
      inbox.post(new Event.CampaignFailed(message(e)));
    }
  }

  private void assign(Term term) {
    try {
      long server = takeover.takeOver(() -> fence(term));
      inbox.post(new Event.AssignDone(term, server));
    } catch (FloatingIpTakeover.TakeoverException e) {
      inbox.post(new Event.AssignFailed(term, e.retryable(), e.fenced(), message(e)));
    } catch (RuntimeException e) {
      inbox.post(new Event.AssignFailed(term, true, false, message(e)));
    }
  }

  /**
   * Right before the POST: still leading locally (inside the safe window, same term) and etcd confirms the lease
   * and the leader key's revision. Any doubt is a no.
   */
  private boolean fence(Term term) {
    boolean ok;
    try {
      ok = locallyLeading.test(term) && election.stillLeader(term, FENCE_TIMEOUT);
    } catch (RuntimeException e) {
      log.warn("fence check failed term={} error={}", term.revision(), message(e));
      ok = false;
    }
    log.info("fence checked term={} lease={} ok={}", term.revision(), Long.toHexString(term.leaseId()), ok);
    return ok;
  }

  private void verify() {
    try {
      inbox.post(new Event.VerifyResult(takeover.currentServer()));
    } catch (FloatingIpTakeover.TakeoverException | RuntimeException e) {
      inbox.post(new Event.VerifyFailed(message(e)));
    }
  }

  private void publish(Term term) {
    var holder = new HolderRecord(settings.node(), settings.serverId(), takeover.address(), term.revision(),
        clock.instant());
    boolean ok = election.publishHolder(term, holder, ETCD_TIMEOUT);
    if (ok) {
      log.info("published holder node={} term={} fip={}", settings.node(), term.revision(), takeover.address());
    } else {
      log.warn("holder not published term={} error={}", term.revision(), "term no longer current or etcd unreachable");
    }
  }

  private void bind() {
    try {
      binder.bind(address);
      log.info("bound address fip={} interface={}", takeover.address(), binder.interfaceName());
    } catch (IOException | RuntimeException e) {
      log.warn("bind failed fip={} error={}", takeover.address(), message(e));
      inbox.post(new Event.BindFailed(message(e)));
    }
  }

  private void unbind() {
    try {
      binder.unbind(address);
      log.info("unbound address fip={} interface={}", takeover.address(), binder.interfaceName());
    } catch (IOException | RuntimeException e) {
      log.warn("unbind failed fip={} error={}", takeover.address(), message(e));
      inbox.post(new Event.UnbindFailed(message(e)));
    }
  }

  private void submit(Executor executor, String what, Runnable task) {
    try {
      executor.execute(() -> {
        try {
          task.run();
        } catch (RuntimeException e) {
          log.warn("action failed action={} error={}", what, message(e));
        }
      });
    } catch (RejectedExecutionException e) {
      log.warn("action dropped action={} error={}", what, "worker stopped");
    }
  }

  static String message(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
  }
}
