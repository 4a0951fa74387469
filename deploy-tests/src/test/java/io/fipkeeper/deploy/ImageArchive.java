package io.fipkeeper.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The image as {@code make image} builds it: scripts/build-image.sh run on the jars of this build, so the test always
 * checks the image of the code under test (the script caches only the Debian base, for a day).
 */
final class ImageArchive {
  private ImageArchive() {}

  /** The Debian architecture of this machine, as the archive is named. */
  static String arch() {
    String os = System.getProperty("os.arch");
    return switch (os) {
      case "amd64", "x86_64" -> "amd64";
      case "aarch64", "arm64" -> "arm64";
      default -> os;
    };
  }

  /** Runs the build script (its output goes to {@code log}) and returns the archive it wrote. */
  static Path build(Path log) {
    Path root = RepoPaths.root();
    Path archive = root.resolve("target/image/fipkeeper-" + arch() + ".oci.tar");
    try {
      Process p = new ProcessBuilder("bash", root.resolve("scripts/build-image.sh").toString())
          .directory(root.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!p.waitFor(15, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError("scripts/build-image.sh did not finish within 15 minutes; log " + log);
      }
      String output = Files.readString(log);
      if (p.exitValue() != 0) {
        throw new AssertionError("scripts/build-image.sh failed (exit " + p.exitValue() + "):\n" + output);
      }
      System.out.print(output);
      Files.deleteIfExists(log);
      if (!Files.isRegularFile(archive)) {
        throw new AssertionError("scripts/build-image.sh wrote no " + archive);
      }
      return archive;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while building the image", e);
    }
  }
}
