package io.fipkeeper.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The machine a benchmark ran on, as recorded in every results file: cores, memory, kernel, Java. */
public record MachineInfo(int cores, double memGiB, String kernel, String java) {

  /** This machine, read from the JVM and /proc. */
  public static MachineInfo current() {
    return new MachineInfo(Runtime.getRuntime().availableProcessors(), totalMemGiB(), kernelRelease(),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
  }

  public static MachineInfo from(JsonNode j) {
    return new MachineInfo(j.path("cores").asInt(0), j.path("memGiB").asDouble(0), j.path("kernel").asText("?"),
        j.path("java").asText("?"));
  }

  public ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("cores", cores).put("memGiB", memGiB).put("kernel", kernel).put("java", java);
    return o;
  }

  public String describe() {
    String k = kernel.startsWith("Linux") ? kernel : "Linux " + kernel;
    return String.format(Locale.ROOT, "%d cores, %.1f GiB memory, %s, %s", cores, memGiB, k, java);
  }

  private static double totalMemGiB() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
          return Math.round(kib / 1024.0 / 1024.0 * 10) / 10.0;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux: unknown
    }
    return 0;
  }

  private static String kernelRelease() {
    try {
      return Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
    } catch (IOException e) {
      return System.getProperty("os.version");
    }
  }
}
