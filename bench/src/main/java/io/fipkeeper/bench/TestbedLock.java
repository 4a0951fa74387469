package io.fipkeeper.bench;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * One namespace network per machine: every {@link Network} shares the host routes to the documentation ranges, so
 * whoever builds one (a {@link Testbed}, or a test that builds a bare network) holds this lock first, until the
 * network is gone. A {@link FileLock} is per process, so one JVM must not hold two networks at once.
 */
final class TestbedLock {
  static final Path FILE = Path.of("/tmp/fipkeeper-testbed.lock");
  /** How long to queue behind another testbed: 120 s, or {@code -Dfipkeeper.testbed.lockWaitSeconds=N}. */
  private static final Duration WAIT = Duration.ofSeconds(Long.getLong("fipkeeper.testbed.lockWaitSeconds", 120));

  private TestbedLock() {}

  /** Waits (bounded) for the lock; the returned handle releases it. */
  static AutoCloseable acquire() {
    FileChannel ch;
    try {
      ch = FileChannel.open(FILE, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new TestbedException("cannot open " + FILE + ": " + e.getMessage(), e);
    }
    FileLock[] held = new FileLock[1];
    try {
      Await.until("the testbed lock " + FILE + " (another testbed is running)", WAIT, () -> {
        try {
          held[0] = ch.tryLock();
          return held[0] != null;
        } catch (IOException e) {
          throw new TestbedException("cannot lock " + FILE + ": " + e.getMessage(), e);
        }
      });
    } catch (RuntimeException e) {
      closeQuietly(ch);
      throw e;
    }
    return () -> {
      held[0].release();
      ch.close();
    };
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException e) {
      // nothing was locked
    }
  }
}
