package io.fipkeeper.etcd;

import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.lease.NoSuchLeaseException;
import io.fipkeeper.leader.port.ElectionEvent;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Turns jetcd's keep-alive callbacks for one lease into {@link ElectionEvent}s, handling all three callbacks
 * (jetcd's {@code Observers.observer(consumer)} would swallow errors and completion):
 * <ul>
 *   <li>{@code onNext} with TTL &gt; 0: {@code KeepAliveOk}; TTL &le; 0: {@code LeaseGone};</li>
 *   <li>{@code onError}: NOT_FOUND means the lease is gone ({@code LeaseGone}); anything else is transient
 *       ({@code KeepAliveError}, SUSPENDED not LOST): jetcd keeps this observer registered and reopens the stream
 *       itself 500 ms later, so registering again would only duplicate every callback;</li>
 *   <li>{@code onCompleted}: jetcd's client-side deadline (last TTL) passed without a renewal: {@code LeaseGone}.</li>
 * </ul>
 * After the first {@code LeaseGone} nothing more is reported for this lease.
 */
final class KeepAliveObserver implements StreamObserver<LeaseKeepAliveResponse> {

  private final long leaseId;
  private final Consumer<ElectionEvent> events;
  private final Consumer<Long> onGone;
  private final AtomicBoolean gone = new AtomicBoolean();

  /** {@code onGone} runs once, before the {@code LeaseGone} event is reported. */
  KeepAliveObserver(long leaseId, Consumer<ElectionEvent> events, Consumer<Long> onGone) {
    this.leaseId = leaseId;
    this.events = events;
    this.onGone = onGone;
  }

  @Override
  public void onNext(LeaseKeepAliveResponse response) {
    if (gone.get()) {
      return;
    }
    if (response.getTTL() > 0) {
      events.accept(new ElectionEvent.KeepAliveOk(leaseId, response.getTTL()));
    } else {
      gone();
    }
  }

  @Override
  public void onError(Throwable error) {
    if (gone.get()) {
      return;
    }
    if (isLeaseNotFound(error)) {
      gone();
    } else {
      events.accept(new ElectionEvent.KeepAliveError(leaseId, Failures.describe(error)));
    }
  }

  @Override
  public void onCompleted() {
    gone();
  }

  boolean isGone() {
    return gone.get();
  }

  private void gone() {
    if (gone.compareAndSet(false, true)) {
      onGone.accept(leaseId);
      events.accept(new ElectionEvent.LeaseGone(leaseId));
    }
  }

  static boolean isLeaseNotFound(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof NoSuchLeaseException) {
        return true;
      }
      if (t instanceof EtcdException e && e.getErrorCode() == ErrorCode.NOT_FOUND) {
        return true;
      }
    }
    return false;
  }
}
