package io.fipkeeper.talos;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code fipkeeper talos-patch} does with its options: validate everything, then print one part or write both
 * parts in ksail's folder layout.
 */
public final class TalosPatchOutput {
  /** The file name of each part in ksail's layout ({@code DIR/cluster/...}, {@code DIR/control-planes/...}). */
  public static final String FILE_NAME = PatchHeader.FILE_NAME;

  private TalosPatchOutput() {}

  /**
   * @param part {@code cluster} or {@code control-planes}, or null with {@code outputDir}
   * @param outputDir where to write both parts, or null with {@code part}
   * @param inlineManifest file of manifests to embed, or null
   * @param patchOptions the other options, not yet built
   * @throws IllegalArgumentException listing every problem, one per line
   */
  public static void write(String part, Path outputDir, Path inlineManifest, TalosPatch.Builder patchOptions,
      PrintWriter out, PrintWriter err) {
    List<String> problems = new ArrayList<>();
    PatchScope scope = null;
    if (part != null && outputDir != null) {
      problems.add("--for cannot be combined with --output-dir, which writes both parts");
    } else if (part == null && outputDir == null) {
      problems.add("choose the part with --for cluster|control-planes, or --output-dir DIR to write both");
    } else if (part != null) {
      try {
        scope = PatchScope.parse(part);
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
    }
    String manifest = inlineManifest == null ? null : read(inlineManifest, problems);
    TalosPatch patch = null;
    try {
      patch = patchOptions.inlineManifest(manifest).build();
    } catch (TalosPatch.InvalidPatchInput e) {
      problems.addAll(e.problems());
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", problems));
    }
    if (scope != null) {
      out.print(patch.render(scope));
      out.flush();
      return;
    }
    for (PatchScope each : PatchScope.values()) {
      Path file = outputDir.resolve(each.folder()).resolve(PatchHeader.FILE_NAME);
      try {
        Files.createDirectories(file.getParent());
        Files.writeString(file, patch.render(each), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot write " + file + " (" + e.getMessage() + ")", e);
      }
      err.println("talos-patch: wrote " + file);
    }
    err.flush();
  }

  private static String read(Path file, List<String> problems) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      problems.add("--inline-manifest: cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
      return null;
    }
  }
}
