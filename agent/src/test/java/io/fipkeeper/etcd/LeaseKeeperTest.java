package io.fipkeeper.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdExceptionFactory;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.lease.NoSuchLeaseException;
import io.fipkeeper.leader.port.ElectionEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The keep-alive loop on a hand-moved ticker with hand-completed requests: when requests go out, what each answer
 * is reported as, and that only "not found" is a lost lease. The ticker is the only clock: pulses alone never send.
 */
class LeaseKeeperTest {

  private static final long LEASE = 0x2a;
  private static final Duration INTERVAL = Duration.ofSeconds(1);
  private static final Duration DEADLINE = Duration.ofMillis(500);

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final List<CompletableFuture<LeaseKeepAliveResponse>> requests = new ArrayList<>();
  private final List<Long> sentAt = new ArrayList<>();
  private final List<ElectionEvent> events = new CopyOnWriteArrayList<>();
  private final List<Long> gone = new CopyOnWriteArrayList<>();
  private final LeaseKeeper keeper = new LeaseKeeper(LEASE, lease -> {
    CompletableFuture<LeaseKeepAliveResponse> f = new CompletableFuture<>();
    requests.add(f);
    sentAt.add(now.get());
    return f;
  }, INTERVAL, DEADLINE, Duration.ofSeconds(2), now::get, events::add, gone::add);

  private void at(long millis) {
    now.set(1_000_000_000L + Duration.ofMillis(millis).toNanos());
    keeper.pulse();
  }

  private static LeaseKeepAliveResponse ttl(long seconds) {
    return new LeaseKeepAliveResponse(io.etcd.jetcd.api.LeaseKeepAliveResponse.newBuilder().setID(LEASE)
        .setTTL(seconds).build());
  }

  @Test
  void theFirstRenewalGoesOutAtOnceAndTheNextOneIntervalAfterAnAnsweredOne() {
    at(0);
    assertThat(requests).hasSize(1);
    requests.get(0).complete(ttl(2));
    for (int i = 0; i < 20; i++) {
      at(999); // pulses alone do nothing: the ticker decides
    }
    assertThat(requests).hasSize(1);
    at(1000);
    assertThat(requests).hasSize(2);
    assertThat(events).containsExactly(new ElectionEvent.KeepAliveOk(LEASE, 2, sentAt.get(0)));
  }

  @Test
  void aRequestWithoutAnAnswerWithinItsDeadlineIsReportedAndFollowedByTheNextAtOnce() {
    at(0);
    at(499);
    assertThat(requests).hasSize(1);
    assertThat(events).isEmpty();
    at(500);
    assertThat(events).singleElement().isInstanceOfSatisfying(ElectionEvent.KeepAliveError.class,
        e -> assertThat(e.reason()).isEqualTo("no keep-alive answer within 500 ms"));
    assertThat(requests).as("the next one goes out right away").hasSize(2);

    requests.get(0).complete(ttl(2)); // the late answer still proves its own renewal
    assertThat(events).last().isEqualTo(new ElectionEvent.KeepAliveOk(LEASE, 2, sentAt.get(0)));
    at(999);
    assertThat(requests).as("the latest request is still unanswered, not yet overdue").hasSize(2);
  }

  @Test
  void aFailedRequestIsFollowedByTheNextOneDeadlineAfterItWasSent() {
    at(0);
    requests.get(0).completeExceptionally(EtcdExceptionFactory.newEtcdException(ErrorCode.UNAVAILABLE,
        "etcdserver: no leader"));
    assertThat(events).singleElement().isInstanceOfSatisfying(ElectionEvent.KeepAliveError.class,
        e -> assertThat(e.reason()).contains("UNAVAILABLE").contains("no leader"));
    at(499);
    assertThat(requests).hasSize(1);
    at(500);
    assertThat(requests).hasSize(2);
    requests.get(1).complete(ttl(2));
    at(1499);
    assertThat(requests).as("healthy again: one interval").hasSize(2);
    at(1500);
    assertThat(requests).hasSize(3);
    assertThat(gone).isEmpty();
  }

  @Test
  void notFoundIsLeaseGoneOnceAfterTheCallbackAndNothingFollowsIt() {
    at(0);
    requests.get(0).complete(ttl(2));
    at(1000);
    requests.get(1).completeExceptionally(EtcdExceptionFactory.newEtcdException(ErrorCode.NOT_FOUND,
        "etcdserver: requested lease not found"));
    at(5000);

    assertThat(events).containsExactly(new ElectionEvent.KeepAliveOk(LEASE, 2, sentAt.get(0)),
        new ElectionEvent.LeaseGone(LEASE));
    assertThat(gone).containsExactly(LEASE);
    assertThat(requests).as("no renewal after the lease is gone").hasSize(2);
  }

  @Test
  void noSuchLeaseIsLeaseGoneToo() {
    at(0);
    requests.get(0).completeExceptionally(new RuntimeException(new NoSuchLeaseException(LEASE)));
    assertThat(events).containsExactly(new ElectionEvent.LeaseGone(LEASE));
  }

  @Test
  void aClosedKeeperSendsAndReportsNothing() {
    at(0);
    keeper.close();
    requests.get(0).complete(ttl(2));
    at(5000);
    assertThat(events).isEmpty();
    assertThat(requests).hasSize(1);
  }
}
