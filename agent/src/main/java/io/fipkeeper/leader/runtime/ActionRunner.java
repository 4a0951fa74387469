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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Performs the machine's actions against the ports, each on the worker that owns its external system (Hetzner,
 * etcd, the kernel); the loop thread only submits. Outcomes come back through the inbox as events, so no remote call
 * or {@code ip} invocation can hold up the loop's deadlines. Every failure becomes an event or a log line, never an
 * exception out of {@link #run}.
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
  /** Observe mode: the ports only pretend, and log what they would do themselves. */
  private final boolean observeMode;
  /** Binds and unbinds that have run (failed ones included); only written on the kernel worker. */
  private final AtomicLong binderOps = new AtomicLong();
  /** A kernel read is queued or running: never queue a second one behind a slow {@code ip}. */
  private final AtomicBoolean observing = new AtomicBoolean();

  ActionRunner(LeaderSettings settings, ElectionBackend election, FloatingIpTakeover takeover, AddressBinder binder,
      InetAddress address, EventInbox inbox, LoopThreads threads, InstantSource clock,
      Predicate<Term> locallyLeading, boolean observeMode) {
    this.settings = settings;
    this.election = election;
    this.takeover = takeover;
    this.binder = binder;
    this.address = address;
    this.inbox = inbox;
    this.threads = threads;
    this.clock = clock;
    this.locallyLeading = locallyLeading;
    this.observeMode = observeMode;
  }

  void run(Action action) {
    if (action instanceof Action.Campaign c) {
      // on the etcd worker like every other etcd side effect: a revoke or resign queued before it runs before it
      submit(threads.etcd(), "campaign", () -> campaign(c.attempt()));
    } else if (action instanceof Action.Assign a) {
      submit(threads.hetzner(), "assign", () -> assign(a.term()));
    } else if (action instanceof Action.VerifyAssignment) {
      submit(threads.hetzner(), "verify", this::verify);
    } else if (action instanceof Action.Bind) {
      submit(threads.kernel(), "bind", this::bind);
    } else if (action instanceof Action.Unbind) {
      submit(threads.kernel(), "unbind", this::unbind);
    } else if (action instanceof Action.ObserveAddress) {
      if (observing.compareAndSet(false, true)) {
        submit(threads.kernel(), "observe-address", this::observe);
      }
    } else if (action instanceof Action.PublishHolder p) {
      submit(threads.etcd(), "publish", () -> publish(p.term()));
    } else if (action instanceof Action.Resign r) {
      submit(threads.etcd(), "resign", () -> {
        election.resign(r.term(), ETCD_TIMEOUT);
        log.info("resigned term={} node={}", r.term().revision(), settings.node());
      });
    } else if (action instanceof Action.Revoke) {
      submit(threads.etcd(), "revoke", () -> {
        election.revoke(ETCD_TIMEOUT);
        log.info("revoked lease node={}", settings.node());
      });
    } else if (action instanceof Action.ScheduleRetry r) {
      log.warn("will retry action=takeover retry_in={} error={}", r.delay(), r.reason());
    } else if (action instanceof Action.ReportFailover f) {
      log.info(observeMode ? "would have completed the takeover fip={} elapsed={}ms mode=observe"
          : "failover completed fip={} elapsed={}ms", takeover.address(), f.elapsed().toMillis());
    } else if (action instanceof Action.ReportGiveUp g) {
      log.warn("gave up the term reason={} fip={} node={} error={}", g.reason().name().toLowerCase(),
          takeover.address(), settings.node(), g.detail());
    } else if (action instanceof Action.ReportVerifyDeferred d) {
      log.info("verify after recovery deferred fip={} node={} in={}ms", takeover.address(), settings.node(),
          d.in().toMillis());
    } else if (action instanceof Action.ReportRepair r) {
      log.warn("repairing action={} fip={} node={} error={}", r.repair().name().toLowerCase(), takeover.address(),
          settings.node(), r.detail());
    }
  }

  /** Publishes this agent's snapshot in etcd; best effort, off the loop thread. */
  void publishAgent(AgentSnapshot snapshot) {
    submit(threads.etcd(), "publish-agent", () -> election.publishAgent(snapshot));
  }

  /** Removes the address on the kernel worker and waits for it, at most {@code bound}: the shutdown's last resort. */
  void unbindNow(Duration bound) {
    var done = new java.util.concurrent.CountDownLatch(1);
    submit(threads.kernel(), "unbind", () -> {
      try {
        unbind();
      } finally {
        done.countDown();
      }
    });
    try {
      done.await(bound.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void campaign(long attempt) {
    try {
      election.campaign(attempt);
    } catch (RuntimeException e) {
      inbox.post(new Event.CampaignFailed(attempt, message(e)));
    }
  }

  private void assign(Term term) {
    try {
      long server = takeover.takeOver(() -> fence(term));
      inbox.post(new Event.AssignDone(term, server));
    } catch (FloatingIpTakeover.TakeoverException e) {
      inbox.post(new Event.AssignFailed(term, e.failure(), message(e)));
    } catch (RuntimeException e) {
      inbox.post(new Event.AssignFailed(term, Event.Failure.RETRYABLE, message(e)));
    }
  }

  /**
   * Right before the POST: still leading locally (inside the safe window, same term), etcd confirms the lease and
   * the leader key's revision, and still leading locally once etcd has answered. Any doubt is a no.
   */
  private boolean fence(Term term) {
    boolean ok;
    try {
      // the local window again after etcd answered: the answer may have taken most of FENCE_TIMEOUT
      ok = locallyLeading.test(term) && election.stillLeader(term, FENCE_TIMEOUT) && locallyLeading.test(term);
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
    } catch (FloatingIpTakeover.TakeoverException e) {
      inbox.post(new Event.VerifyFailed(e.failure(), message(e)));
    } catch (RuntimeException e) {
      inbox.post(new Event.VerifyFailed(Event.Failure.RETRYABLE, message(e)));
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
      if (!observeMode) {
        log.info("bound address fip={} interface={}", takeover.address(), binder.interfaceName());
      }
    } catch (IOException | RuntimeException e) {
      log.warn("bind failed fip={} error={}", takeover.address(), message(e));
      inbox.post(new Event.BindFailed(message(e)));
    } finally {
      binderOps.incrementAndGet();
    }
  }

  private void unbind() {
    try {
      binder.unbind(address);
      if (!observeMode) {
        log.info("unbound address fip={} interface={}", takeover.address(), binder.interfaceName());
      }
    } catch (IOException | RuntimeException e) {
      log.warn("unbind failed fip={} error={}", takeover.address(), message(e));
      inbox.post(new Event.UnbindFailed(message(e)));
    } finally {
      binderOps.incrementAndGet();
    }
  }

  /** On the kernel worker, after every bind/unbind submitted before it: the count read first is exact. */
  private void observe() {
    observing.set(false);
    long ops = binderOps.get();
    try {
      inbox.post(new Event.AddressObserved(binder.isBound(address), ops));
    } catch (IOException | RuntimeException e) {
      inbox.post(new Event.AddressUnreadable(message(e)));
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
      if (what.equals("observe-address")) {
        observing.set(false);
      }
    }
  }

  static String message(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
  }
}
