package io.fipkeeper.bench;

import java.nio.file.Path;

/** Where the running JVM's own {@code java} and classpath are, to start helper JVMs of the same build. */
final class JavaCommand {
  private JavaCommand() {}

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  static String classpath() {
    return System.getProperty("java.class.path");
  }
}
