package io.fipkeeper.bench.perf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Memory of one agent JVM from {@code /proc/<pid>/status}: VmRSS and its anonymous and file-backed parts (the
 * JDK's mapped module image and libjvm count as file pages, which other JVMs on the host share). The process is
 * found by its {@code --config} file in {@code /proc/<pid>/cmdline}.
 */
record ProcMemory(long rssKib, long anonKib, long fileKib) {

  static Optional<ProcMemory> ofProcessWithArgument(String argument) {
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
          .filter(p -> cmdline(p).contains(argument))
          .filter(p -> cmdline(p).contains("java"))
          .findFirst()
          .flatMap(ProcMemory::read);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  double rssMiB() {
    return mib(rssKib);
  }

  double anonMiB() {
    return mib(anonKib);
  }

  double fileMiB() {
    return mib(fileKib);
  }

  private static double mib(long kib) {
    return Math.round(kib / 1024.0 * 10) / 10.0;
  }

  private static Optional<ProcMemory> read(Path proc) {
    try {
      long rss = -1;
      long anon = -1;
      long file = -1;
      for (String line : Files.readAllLines(proc.resolve("status"))) {
        if (line.startsWith("VmRSS:")) {
          rss = kib(line);
        } else if (line.startsWith("RssAnon:")) {
          anon = kib(line);
        } else if (line.startsWith("RssFile:")) {
          file = kib(line);
        }
      }
      return rss < 0 ? Optional.empty() : Optional.of(new ProcMemory(rss, anon, file));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static long kib(String line) {
    return Long.parseLong(line.replaceAll("[^0-9]", ""));
  }

  private static String cmdline(Path proc) {
    try {
      return new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
    } catch (IOException e) {
      return "";
    }
  }
}
