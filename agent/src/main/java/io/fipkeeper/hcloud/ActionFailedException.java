package io.fipkeeper.hcloud;

/**
 * An action Hetzner accepted (201) finished with status {@code error}. {@link #code()} is the action's error
 * code (e.g. {@code action_failed}); retrying later may succeed, so it counts as retryable.
 */
public final class ActionFailedException extends HcloudException {
  private final transient HcloudAction action;

  ActionFailedException(String operation, HcloudAction action) {
    super(operation, 0,
        action.errorCode() == null || action.errorCode().isEmpty() ? "action_failed" : action.errorCode(),
        "action " + action.id() + " (" + action.command() + ") ended with error: " + action.errorMessage(),
        null, null, null);
    this.action = action;
  }

  public HcloudAction action() {
    return action;
  }

  @Override
  public boolean retryable() {
    return true;
  }
}
