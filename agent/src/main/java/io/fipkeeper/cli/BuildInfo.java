package io.fipkeeper.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version baked in at build time (resources-filtered/io/fipkeeper/build.properties). */
public final class BuildInfo {
  private BuildInfo() {}

  public static String version() {
    try (InputStream in = BuildInfo.class.getResourceAsStream("/io/fipkeeper/build.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty("version", "unknown");
      return v.startsWith("${") ? "unknown" : v;
    } catch (IOException e) {
      return "unknown";
    }
  }
}
