package io.fipkeeper.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Anchors of docs/runbook.md: explicit `<a id>` tags and the GitHub slugs of its headings. */
final class Runbook {
  private static final Pattern EXPLICIT = Pattern.compile("<a id=\"([^\"]+)\"");
  private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6}\\s+(.+)$");

  private Runbook() {}

  static Set<String> anchors() {
    String text;
    try {
      text = Files.readString(RepoPaths.docs("runbook.md"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Set<String> anchors = new TreeSet<>();
    Matcher explicit = EXPLICIT.matcher(text);
    while (explicit.find()) {
      anchors.add(explicit.group(1));
    }
    Matcher heading = HEADING.matcher(text);
    while (heading.find()) {
      anchors.add(heading.group(1).trim().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 _-]", "").replace(' ', '-'));
    }
    return anchors;
  }
}
