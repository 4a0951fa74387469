package io.fipkeeper.hcloud;

import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices that the API token changed although no request was sent: a node that sits out of the election because
 * Hetzner rejected its token sends nothing for up to two minutes, and while no node's token works the endpoint may be
 * dark. {@link #check()} reads the token through the same {@link TokenProvider} the client uses (so a read failure
 * keeps the last token, and the change is logged once, without its value) and runs {@code onChange} when the token
 * differs from the one seen at the previous check. The first check only records the token.
 *
 * <p>Thread-safety: {@link #check()} is called by one scheduler thread, on a fixed-delay schedule; it never throws,
 * since a throw would cancel that schedule.
 */
public final class TokenWatch {

  private static final Logger log = LoggerFactory.getLogger(TokenWatch.class);

  private final TokenProvider tokens;
  private final Runnable onChange;
  private ApiToken seen;

  /**
   * @param tokens the provider the Hetzner client uses
   * @param onChange runs on the checking thread after each change; must not block
   */
  public TokenWatch(TokenProvider tokens, Runnable onChange) {
    this.tokens = Objects.requireNonNull(tokens, "tokens");
    this.onChange = Objects.requireNonNull(onChange, "onChange");
  }

  /** One read of the token; returns whether it changed since the previous check. */
  public boolean check() {
    ApiToken now;
    try {
      now = tokens.token();
    } catch (IllegalStateException unreadable) { // never read yet: the provider logged why; the client fails too
      log.debug("token watch: no token error={}", unreadable.getMessage());
      return false;
    } catch (RuntimeException e) {
      log.warn("token watch: token not read error={}", e.toString());
      return false;
    }
    boolean changed = seen != null && !seen.equals(now);
    seen = now;
    if (changed) {
      try {
        onChange.run();
      } catch (RuntimeException e) {
        log.warn("token watch: change not reported error={}", e.toString());
      }
    }
    return changed;
  }
}
