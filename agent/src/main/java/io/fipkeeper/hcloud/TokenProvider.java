package io.fipkeeper.hcloud;

import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where {@link HcloudClient} gets the API token, asked once per request: a fixed token, or {@link #rereading} a
 * source (the mounted Secret file) on every use, so a rotated token is used from the next request on without a
 * restart. Neither ever puts the token into a message.
 */
@FunctionalInterface
public interface TokenProvider {

  /**
   * The token to send now.
   *
   * @throws IllegalStateException when no usable token can be had; the message names the source, never the content
   */
  ApiToken token();

  static TokenProvider fixed(ApiToken token) {
    Objects.requireNonNull(token, "token");
    return () -> token;
  }

  /**
   * Reads {@code source} on every use. When a read fails (a Secret being swapped, a transient I/O error) the last
   * token read is used and the failure logged once; without any token read so far the request fails. A changed token
   * is logged once (without its value).
   *
   * @param source returns the raw token text; its exceptions must not carry the content
   * @param description where the token comes from, safe to print (e.g. {@code file /var/run/secrets/token})
   */
  static TokenProvider rereading(Supplier<String> source, String description) {
    return new Rereading(source, description);
  }

  /** Re-reads its source per use; thread-safe. */
  final class Rereading implements TokenProvider {
    private static final Logger log = LoggerFactory.getLogger(TokenProvider.class);

    private final Supplier<String> source;
    private final String description;
    private ApiToken last;
    private String lastFailure;

    private Rereading(Supplier<String> source, String description) {
      this.source = Objects.requireNonNull(source, "source");
      this.description = Objects.requireNonNull(description, "description");
    }

    @Override
    public synchronized ApiToken token() {
      try {
        ApiToken read = ApiToken.of(source.get());
        if (last != null && !last.equals(read)) {
          log.info("hcloud token changed, using the new one source={}", description);
        }
        if (lastFailure != null) {
          log.info("hcloud token readable again source={}", description);
        }
        last = read;
        lastFailure = null;
        return read;
      } catch (RuntimeException e) {
        String failure = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (!failure.equals(lastFailure)) {
          log.warn("hcloud token unreadable source={} error={}{}", description, failure,
              last == null ? "" : " (using the last token read)");
          lastFailure = failure;
        }
        if (last == null) {
          throw new IllegalStateException("cannot read the Hetzner API token from " + description + ": " + failure);
        }
        return last;
      }
    }

    @Override
    public String toString() {
      return "TokenProvider[" + description + ", token=<redacted>]";
    }
  }
}
