package io.fipkeeper.leader.port;

/** The election store could not be reached or answered unexpectedly. The message never contains secrets. */
public final class ElectionException extends Exception {
  public ElectionException(String message, Throwable cause) {
    super(message, cause);
  }
}
