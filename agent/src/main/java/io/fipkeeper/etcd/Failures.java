package io.fipkeeper.etcd;

import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.lease.NoSuchLeaseException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** One-line, secret-free descriptions of the failures jetcd reports, for events and logs. */
final class Failures {

  private Failures() {}

  static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  static String describe(Throwable error) {
    Throwable t = unwrap(error);
    if (t instanceof TimeoutException) {
      return "etcd did not answer in time";
    }
    String message = t.getMessage();
    if (t instanceof EtcdException e) {
      return "etcd " + e.getErrorCode() + (message == null ? "" : ": " + firstLine(message));
    }
    return t.getClass().getSimpleName() + (message == null ? "" : ": " + firstLine(message));
  }

  /** etcd said the lease does not exist (any more): the one definite sign that a lease is gone. */
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

  /**
   * etcd gave no answer: the call timed out or failed for want of a connection (gRPC UNAVAILABLE: the channel could
   * not connect, or lost its connection; jetcd retries those for a while, so a bounded call often times out first),
   * as opposed to etcd answering an error.
   */
  static boolean isNoAnswer(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof TimeoutException) {
        return true;
      }
      if (t instanceof StatusRuntimeException e && e.getStatus().getCode() == Status.Code.UNAVAILABLE) {
        return true;
      }
      if (t instanceof EtcdException e && e.getErrorCode() == ErrorCode.UNAVAILABLE) {
        return true;
      }
    }
    return false;
  }

  private static String firstLine(String message) {
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
