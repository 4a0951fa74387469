package io.fipkeeper.http;

import java.util.Objects;

/**
 * The mode half of {@code /status}: which mode the agent runs in and, in observe mode, the last thing it would have
 * done but did not. Holds no secret.
 *
 * @param mode {@code active} or {@code observe}
 * @param lastWouldAction observe mode: the last would-be assign, bind or unbind as a sentence (null until one); null
 *     in active mode
 */
public record ModeStatus(String mode, String lastWouldAction) {
  /** An active agent. */
  public static final ModeStatus ACTIVE = new ModeStatus("active", null);

  public ModeStatus {
    Objects.requireNonNull(mode, "mode");
  }

  /** An observing agent whose last would-be action was {@code lastWouldAction} (null: none yet). */
  public static ModeStatus observe(String lastWouldAction) {
    return new ModeStatus("observe", lastWouldAction);
  }

  public boolean observing() {
    return mode.equals("observe");
  }
}
