package io.fipkeeper.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads this process's resident set size from Linux's /proc; -1 elsewhere. */
final class ResidentMemory {
  private static final Path STATUS = Path.of("/proc/self/status");

  private ResidentMemory() {}

  static double bytes() {
    try {
      return parseVmRssBytes(Files.readString(STATUS));
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** The {@code VmRSS:} line of a /proc status file, in bytes; -1 when absent. */
  static double parseVmRssBytes(String procStatus) {
    for (String line : procStatus.split("\n")) {
      if (line.startsWith("VmRSS:")) {
        String[] parts = line.substring("VmRSS:".length()).trim().split("\\s+");
        return Long.parseLong(parts[0]) * 1024.0; // the kernel reports kB
      }
    }
    return -1;
  }
}
