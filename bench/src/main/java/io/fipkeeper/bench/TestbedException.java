package io.fipkeeper.bench;

/** A testbed step failed; the message is one line that names the step and the cause. */
public class TestbedException extends RuntimeException {
  public TestbedException(String message) {
    super(message);
  }

  public TestbedException(String message, Throwable cause) {
    super(message, cause);
  }
}
