package io.fipkeeper.hcloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.Test;

/** The token asked for per request: re-read, rotated, briefly unreadable; never shown. */
class TokenProviderTest {
  private static final String OLD = "old-SECRET-token-1";
  private static final String NEW = "new-SECRET-token-2";

  private final Deque<Object> reads = new ArrayDeque<>();

  private String read() {
    Object next = reads.isEmpty() ? new UncheckedIOException("cannot read token file /t: NoSuchFileException",
        new java.io.IOException()) : reads.poll();
    if (next instanceof RuntimeException e) {
      throw e;
    }
    return (String) next;
  }

  @Test
  void everyRequestGetsWhatTheSourceHoldsNowSoARotatedTokenIsUsedAtOnce() {
    TokenProvider tokens = TokenProvider.rereading(this::read, "file /t");
    reads.add(OLD + "\n");
    reads.add(NEW);

    assertThat(tokens.token()).isEqualTo(ApiToken.of(OLD));
    assertThat(tokens.token()).isEqualTo(ApiToken.of(NEW));
  }

  @Test
  void aSourceUnreadableForAMomentFallsBackToTheLastTokenRead() {
    TokenProvider tokens = TokenProvider.rereading(this::read, "file /t");
    reads.add(OLD);
    tokens.token();
    reads.add(new UncheckedIOException("cannot read token file /t: AccessDeniedException", new java.io.IOException()));
    reads.add("   ");

    assertThat(tokens.token()).as("unreadable").isEqualTo(ApiToken.of(OLD));
    assertThat(tokens.token()).as("empty").isEqualTo(ApiToken.of(OLD));
  }

  @Test
  void withoutAnyTokenReadTheErrorNamesTheSourceNeverAContent() {
    TokenProvider tokens = TokenProvider.rereading(this::read, "file /t");
    reads.add("two words");

    IllegalStateException e = catchThrowableOfType(IllegalStateException.class, tokens::token);

    assertThat(e).hasMessageStartingWith("cannot read the Hetzner API token from file /t: ")
        .hasMessageNotContaining("two words");
    assertThat(tokens.toString()).doesNotContain(OLD).contains("redacted");
  }
}
