package io.fipkeeper.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * A process's wall clock under libfaketime (Debian {@code faketime}), stepped by rewriting one file: the process
 * sees {@code CLOCK_REALTIME} shifted by the offset in the file, as after an NTP step, while
 * {@code CLOCK_MONOTONIC} stays true. What was verified on this JVM (OpenJDK 17, libfaketime 0.9.10): with
 * {@code FAKETIME_DONT_FAKE_MONOTONIC=1}, {@code System.currentTimeMillis()} and {@code Instant.now()} follow the
 * file and {@code System.nanoTime()} does not; libfaketime's default "monotonic fix" for
 * {@code pthread_cond_timedwait} then makes every timed wait of the JVM ({@code Object.wait(ms)},
 * {@code LockSupport.parkNanos}) return at once, a busy loop, so {@code FAKETIME_FORCE_MONOTONIC_FIX=0} is set and
 * timed waits keep their length across steps. The file is re-read at most once a second
 * ({@code FAKETIME_CACHE_DURATION}), so a step takes effect within a second of the write.
 */
public final class FakeClock {
  /** Where Debian's {@code libfaketime} puts the library ({@code /usr/lib/<multiarch>/faketime/}), if installed. */
  static final Path LIBRARY = find();

  private final Path file;

  /** A clock controlled through {@code file}, starting at the true time. */
  public FakeClock(Path file) {
    this.file = file;
    step(0);
  }

  public static boolean available() {
    return LIBRARY != null && Files.isReadable(LIBRARY);
  }

  private static Path find() {
    try (var dirs = Files.list(Path.of("/usr/lib"))) {
      return dirs.map(d -> d.resolve("faketime/libfaketime.so.1")).filter(Files::isReadable).findFirst().orElse(null);
    } catch (IOException e) {
      return null;
    }
  }

  /** The environment that puts a process under this clock. */
  public Map<String, String> environment() {
    if (!available()) {
      throw new TestbedException("libfaketime is missing (/usr/lib/*/faketime/libfaketime.so.1): apt-get install faketime");
    }
    return Map.of(
        "LD_PRELOAD", LIBRARY.toString(),
        "FAKETIME_TIMESTAMP_FILE", file.toString(),
        "FAKETIME_DONT_FAKE_MONOTONIC", "1",
        "FAKETIME_FORCE_MONOTONIC_FIX", "0",
        "FAKETIME_CACHE_DURATION", "1");
  }

  /** Sets the offset from the true time (seconds, may be negative); written atomically. */
  public void step(long offsetSeconds) {
    try {
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, (offsetSeconds >= 0 ? "+" : "") + offsetSeconds + "\n");
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new TestbedException("cannot write clock file " + file + ": " + e.getMessage(), e);
    }
  }
}
