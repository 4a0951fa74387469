package io.fipkeeper.hcloud;

import java.time.Instant;
import java.util.List;

/**
 * A Hetzner action: the asynchronous result of a POST such as assign. Finished once {@link #status()} is not
 * {@code running}; failed when the status is {@code error} or an error code is present (hcloud-go's rule).
 *
 * @param status {@code running}, {@code success} or {@code error}
 * @param progress 0 to 100
 * @param finished null while running
 * @param errorCode null unless the action failed, e.g. {@code action_failed}
 */
public record HcloudAction(
    long id,
    String command,
    String status,
    int progress,
    Instant started,
    Instant finished,
    String errorCode,
    String errorMessage,
    List<Resource> resources) {

  public static final String RUNNING = "running";
  public static final String SUCCESS = "success";
  public static final String ERROR = "error";

  public HcloudAction {
    resources = resources == null ? List.of() : List.copyOf(resources);
  }

  /** A resource the action touches, e.g. {@code (42, "server")} or {@code (4711, "floating_ip")}. */
  public record Resource(long id, String type) {}

  public boolean running() {
    return RUNNING.equals(status);
  }

  public boolean failed() {
    return ERROR.equals(status) || (errorCode != null && !errorCode.isEmpty());
  }

  public boolean succeeded() {
    return !running() && !failed();
  }
}
