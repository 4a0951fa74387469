package io.fipkeeper.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdExceptionFactory;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.lease.NoSuchLeaseException;
import io.fipkeeper.leader.port.ElectionEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The keep-alive callbacks mapped to SUSPENDED ({@code KeepAliveError}) versus LOST ({@code LeaseGone}). */
class KeepAliveObserverTest {

  private static final long LEASE = 0x2a;

  private final List<ElectionEvent> events = new ArrayList<>();
  private final List<Long> goneCallbacks = new ArrayList<>();
  private final KeepAliveObserver observer = new KeepAliveObserver(LEASE, events::add, goneCallbacks::add);

  @Test
  void aPositiveTtlIsKeepAliveOk() {
    observer.onNext(response(2));

    assertThat(events).containsExactly(new ElectionEvent.KeepAliveOk(LEASE, 2));
  }

  @Test
  void aZeroTtlMeansTheLeaseIsGone() {
    observer.onNext(response(0));

    assertThat(events).containsExactly(new ElectionEvent.LeaseGone(LEASE));
    assertThat(goneCallbacks).containsExactly(LEASE);
  }

  @Test
  void aStreamErrorIsTransient() {
    observer.onError(EtcdExceptionFactory.newEtcdException(ErrorCode.UNAVAILABLE, "io exception"));

    assertThat(events).singleElement().isInstanceOfSatisfying(ElectionEvent.KeepAliveError.class, e -> {
      assertThat(e.leaseId()).isEqualTo(LEASE);
      assertThat(e.reason()).contains("UNAVAILABLE").doesNotContain("\n");
    });
    assertThat(observer.isGone()).isFalse();
  }

  @Test
  void notFoundMeansTheLeaseIsGone() {
    observer.onError(EtcdExceptionFactory.newEtcdException(ErrorCode.NOT_FOUND, "etcdserver: requested lease not found"));

    assertThat(events).containsExactly(new ElectionEvent.LeaseGone(LEASE));
  }

  @Test
  void noSuchLeaseMeansTheLeaseIsGone() {
    observer.onError(new RuntimeException(new NoSuchLeaseException(LEASE)));

    assertThat(events).containsExactly(new ElectionEvent.LeaseGone(LEASE));
  }

  @Test
  void completionMeansTheDeadlinePassedAndNothingFollowsIt() {
    observer.onNext(response(2));
    observer.onError(EtcdExceptionFactory.newEtcdException(ErrorCode.UNAVAILABLE, "io exception"));
    observer.onCompleted();
    observer.onNext(response(2));
    observer.onError(EtcdExceptionFactory.newEtcdException(ErrorCode.UNAVAILABLE, "io exception"));
    observer.onCompleted();

    assertThat(events).hasSize(3).last().isEqualTo(new ElectionEvent.LeaseGone(LEASE));
    assertThat(goneCallbacks).as("clean-up runs once").containsExactly(LEASE);
  }

  private static LeaseKeepAliveResponse response(long ttl) {
    return new LeaseKeepAliveResponse(io.etcd.jetcd.api.LeaseKeepAliveResponse.newBuilder().setID(LEASE).setTTL(ttl).build());
  }
}
