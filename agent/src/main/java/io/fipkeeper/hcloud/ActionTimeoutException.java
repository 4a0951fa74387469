package io.fipkeeper.hcloud;

import java.time.Duration;

/** An action was still running when the caller's deadline passed; the action may still finish later. */
public final class ActionTimeoutException extends HcloudException {
  public static final String CODE = "action_timeout";
  private final transient HcloudAction action;

  ActionTimeoutException(String operation, HcloudAction action, Duration deadline) {
    super(operation, 0, CODE,
        "action " + action.id() + " (" + action.command() + ") still " + action.status() + " after "
            + deadline.toMillis() + "ms, progress " + action.progress() + "%",
        null, null, null);
    this.action = action;
  }

  /** The last state seen. */
  public HcloudAction action() {
    return action;
  }

  @Override
  public boolean retryable() {
    return true;
  }
}
