package io.fipkeeper.etcd;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.fipkeeper.leader.HolderRecord;
import io.fipkeeper.leader.port.ElectionEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the election prefix and the holder key, reporting {@code LeaderSeen} whenever the leader (the election key
 * with the lowest create revision) changes and {@code HolderChanged} whenever {@code P/F/holder} is written or
 * deleted. The current values are reported once at start. Every write of a campaign key is also handed to
 * {@code onCandidateWritten} (a newer run of this agent marking the key it adopted), and every leader read to
 * {@code onFirstKey} (which is how a waiting candidacy learns that it won). jetcd resumes broken watches from the last
 * revision it saw, so a short etcd outage loses no change; a watch jetcd gives up on is reopened by the next
 * {@link #start()}.
 *
 * <p>When the client moves to another member, {@link #reopen()} opens the watches on the new client while the old
 * ones still run: for a moment both deliver, and a member that lags may repeat older changes. Nothing goes back in
 * time for that: leader reads older than the newest one reported are dropped, and so are holder changes older than
 * the newest one reported (by their revision in etcd).
 */
final class ElectionObserver implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ElectionObserver.class);

  /** Reads the election key with the lowest create revision under the election prefix: the leader. */
  static final GetOption FIRST_CANDIDATE = GetOption.builder()
      .isPrefix(true)
      .withSortField(GetOption.SortTarget.CREATE)
      .withSortOrder(GetOption.SortOrder.ASCEND)
      .withLimit(1)
      .build();

  /** Told about every leader read: the store revision it saw and the first election key (null: none). */
  interface FirstKeyListener {
    void firstKeyRead(long readRevision, KeyValue first);
  }

  private final Supplier<Client> client;
  private final ElectionKeys keys;
  private final Consumer<ElectionEvent> events;
  private final Consumer<KeyValue> onCandidateWritten;
  private final FirstKeyListener onFirstKey;
  /** Revision of the newest holder change reported (its put or delete); older ones arriving late are dropped. */
  private long holderRevision;
  /** Guards {@link #holderRevision}; never taken while holding this observer's own lock (see below). */
  private final Object holderLock = new Object();
  /** Header revision of the newest leader read reported; older answers arriving late are dropped. */
  private final AtomicLong leaderReadRevision = new AtomicLong();
  private final List<Watch.Watcher> watchers = new ArrayList<>();
  /** Watches on a client that was replaced: they keep delivering until that client closes. */
  private final List<Watch.Watcher> retired = new ArrayList<>();
  private String lastLeader;
  private long lastLeaderRevision = -1;
  // written under this lock, read lock-free by watch callbacks: jetcd calls them holding its own watch lock, and
  // start()/close() take that lock (closing watchers) while holding ours
  private volatile boolean broken = true;
  private volatile boolean closed;
  private volatile long generation;
  private final AtomicBoolean failing = new AtomicBoolean();

  ElectionObserver(Supplier<Client> client, ElectionKeys keys, Consumer<ElectionEvent> events,
      Consumer<KeyValue> onCandidateWritten, FirstKeyListener onFirstKey) {
    this.client = client;
    this.keys = keys;
    this.events = events;
    this.onCandidateWritten = onCandidateWritten;
    this.onFirstKey = onFirstKey;
  }

  /** Starts both watches unless they are already running. Never blocks. */
  synchronized void start() {
    if (!broken || closed) {
      return;
    }
    closeWatchers();
    open();
  }

  /**
   * The client was replaced: opens the watches on the new one unless they are not running (then the next
   * {@link #start()} does). Returns what closes the old watches, to run before the old client closes. Never blocks.
   */
  synchronized Runnable reopen() {
    if (broken || closed) {
      return () -> { };
    }
    List<Watch.Watcher> old = List.copyOf(watchers);
    retired.addAll(old);
    generation++; // the old watches' failures and ends are no longer this observer's business
    watchers.clear();
    open();
    return () -> closeRetired(old);
  }

  private synchronized void closeRetired(List<Watch.Watcher> old) {
    old.forEach(Watch.Watcher::close);
    retired.removeAll(old);
  }

  private void open() {
    broken = false;
    long current = generation;
    Watch watch = client.get().getWatchClient();
    // created-notify: a (re)created watch re-reads the leader, covering anything missed while it was down
    watchers.add(watch.watch(keys.electionPrefix(), WatchOption.builder().isPrefix(true).withCreateNotify(true).build(),
        Watch.listener(response -> {
          watchWorks();
          for (WatchEvent event : response.getEvents()) {
            if (event.getEventType() == WatchEvent.EventType.PUT) {
              onCandidateWritten.accept(event.getKeyValue());
            }
          }
          refreshLeader();
        }, error -> watchFailed(current, error), () -> watchEnded(current))));
    watchers.add(watch.watch(keys.holder(), WatchOption.DEFAULT,
        Watch.listener(this::holderChanged, error -> watchFailed(current, error), () -> watchEnded(current))));
    refreshLeader();
    client.get().getKVClient().get(keys.holder()).whenComplete((response, error) -> {
      if (error == null && !response.getKvs().isEmpty()) {
        KeyValue kv = response.getKvs().get(0);
        reportHolder(kv.getModRevision(), () -> parseHolder(kv));
      }
    });
  }

  /** Reads the current leader and reports it if it changed since the last report. */
  void refreshLeader() {
    client.get().getKVClient().get(keys.electionPrefix(), FIRST_CANDIDATE).whenComplete((response, error) -> {
      if (error != null) {
        log.debug("leader read failed error={}", Failures.describe(error));
        return;
      }
      leaderRead(response);
    });
  }

  private synchronized void leaderRead(GetResponse response) {
    long revision = response.getHeader().getRevision();
    if (revision < leaderReadRevision.get()) {
      return;
    }
    leaderReadRevision.set(revision);
    onFirstKey.firstKeyRead(revision, response.getKvs().isEmpty() ? null : response.getKvs().get(0));
    ElectionIdentity leader = null;
    long createRevision = 0;
    if (!response.getKvs().isEmpty()) {
      KeyValue kv = response.getKvs().get(0);
      leader = ElectionIdentity.parse(ElectionKeys.string(kv.getValue()));
      createRevision = kv.getCreateRevision();
    }
    String node = leader == null ? null : leader.node();
    if (Objects.equals(node, lastLeader) && createRevision == lastLeaderRevision) {
      return;
    }
    lastLeader = node;
    lastLeaderRevision = createRevision;
    // the read's store revision goes along: "no leader key" at a revision a term's key existed at ends that term
    events.accept(new ElectionEvent.LeaderSeen(node, leader == null ? 0 : leader.serverId(), createRevision,
        revision));
  }

  private void holderChanged(WatchResponse response) {
    watchWorks();
    for (WatchEvent event : response.getEvents()) {
      KeyValue kv = event.getKeyValue(); // a delete's carries the revision of the delete
      switch (event.getEventType()) {
        case PUT -> reportHolder(kv.getModRevision(), () -> parseHolder(kv));
        case DELETE -> reportHolder(kv.getModRevision(), () -> null);
        default -> log.debug("ignored watch event type={}", event.getEventType());
      }
    }
  }

  /** Reports the holder as of {@code revision} unless a change at that revision or later was reported already. */
  private void reportHolder(long revision, Supplier<HolderRecord> holder) {
    synchronized (holderLock) {
      if (revision <= holderRevision) {
        return;
      }
      holderRevision = revision;
      events.accept(new ElectionEvent.HolderChanged(holder.get()));
    }
  }

  private HolderRecord parseHolder(KeyValue kv) {
    try {
      return JsonCodec.holder(kv.getValue().getBytes());
    } catch (IOException e) {
      log.warn("unreadable holder record key={} error={}", ElectionKeys.string(kv.getKey()), Failures.describe(e));
      return null;
    }
  }

  /** jetcd reports every failed reconnect and retries by itself every 500 ms: one line per outage is enough. */
  private void watchFailed(long ofGeneration, Throwable error) {
    if (ofGeneration != generation) {
      log.debug("watch of a replaced client ended error={}", Failures.describe(error));
      return;
    }
    if (!failing.getAndSet(true) && !closed) {
      log.warn("etcd watch interrupted, jetcd resumes it from the last revision error={}", Failures.describe(error));
    }
  }

  private void watchWorks() {
    if (failing.getAndSet(false)) {
      log.info("etcd watch resumed");
    }
  }

  /** jetcd gave up on a watch (halt error, no raft leader): the next {@link #start()} opens new ones. */
  private void watchEnded(long ofGeneration) {
    if (ofGeneration == generation && !closed) {
      log.warn("etcd watch ended, reopening on next campaign");
      broken = true;
    }
  }

  private void closeWatchers() {
    generation++; // our own close ends the watchers too; that is not a failure
    watchers.forEach(Watch.Watcher::close);
    watchers.clear();
  }

  @Override
  public synchronized void close() {
    closed = true;
    closeWatchers();
    retired.forEach(Watch.Watcher::close);
    retired.clear();
  }
}
