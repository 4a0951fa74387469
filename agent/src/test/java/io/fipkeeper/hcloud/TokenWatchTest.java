package io.fipkeeper.hcloud;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link TokenWatch}: a changed token file is noticed once per change, without any request. */
class TokenWatchTest {

  @TempDir Path dir;

  @Test
  void reportsEachChangeOfTheFileOnceAndNeitherTheFirstReadNorAnUnreadableFile() throws Exception {
    Path file = dir.resolve("token");
    Files.writeString(file, "first-token\n");
    AtomicInteger changes = new AtomicInteger();
    TokenWatch watch = new TokenWatch(TokenProvider.rereading(() -> read(file), "file " + file),
        changes::incrementAndGet);

    assertThat(watch.check()).as("the first read only records").isFalse();
    assertThat(watch.check()).isFalse();
    Files.writeString(file, "second-token\n");
    assertThat(watch.check()).as("rotated").isTrue();
    assertThat(watch.check()).as("once per change").isFalse();
    Files.delete(file); // a Secret being swapped: the last token is kept, no change
    assertThat(watch.check()).isFalse();
    Files.writeString(file, "second-token");
    assertThat(watch.check()).as("the same token back, only the newline differs").isFalse();
    Files.writeString(file, "first-token");
    assertThat(watch.check()).isTrue();
    assertThat(changes).hasValue(2);
  }

  @Test
  void aTokenThatCannotBeReadAtAllIsNoChange() {
    AtomicInteger changes = new AtomicInteger();
    TokenWatch watch = new TokenWatch(TokenProvider.rereading(() -> {
      throw new IllegalArgumentException("API token file /nowhere: does not exist");
    }, "file /nowhere"), changes::incrementAndGet);
    assertThat(watch.check()).isFalse();
    assertThat(watch.check()).isFalse();
    assertThat(changes).hasValue(0);
  }

  @Test
  void neverThrowsSinceAThrowWouldCancelItsSchedule() throws Exception {
    TokenWatch broken = new TokenWatch(() -> {
      throw new UnsupportedOperationException("a provider that fails oddly");
    }, () -> { });
    assertThat(broken.check()).isFalse();

    Path file = dir.resolve("token");
    Files.writeString(file, "first-token");
    TokenWatch failingListener = new TokenWatch(TokenProvider.rereading(() -> read(file), "file " + file), () -> {
      throw new IllegalStateException("inbox closed");
    });
    failingListener.check();
    Files.writeString(file, "second-token");
    assertThat(failingListener.check()).as("the change is still noticed").isTrue();
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("API token file: cannot be read (" + e.getClass().getSimpleName() + ")");
    }
  }
}
