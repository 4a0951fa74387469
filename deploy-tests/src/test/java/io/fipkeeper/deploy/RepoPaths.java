package io.fipkeeper.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the repository files under test, whether Maven runs from the root or from this module. */
final class RepoPaths {
  private RepoPaths() {}

  static Path root() {
    String configured = System.getProperty("fipkeeper.repoRoot");
    Path candidate = configured != null ? Path.of(configured) : Path.of("..");
    Path root = candidate.toAbsolutePath().normalize();
    if (!Files.isDirectory(root.resolve("helm/fipkeeper"))) {
      throw new IllegalStateException("no helm/fipkeeper under " + root + "; set -Dfipkeeper.repoRoot");
    }
    return root;
  }

  static Path chart() {
    return root().resolve("helm/fipkeeper");
  }

  static Path alertRules() {
    return chart().resolve("files/alerts.yaml");
  }

  static Path docs(String name) {
    return root().resolve("docs").resolve(name);
  }
}
