package io.fipkeeper.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The configuration contract as docs/configuration.md states it: every YAML key of its table, with the
 * documented default where the table gives one in backticks.
 */
final class ConfigReference {
  private static final Pattern CODE = Pattern.compile("`([^`]*)`");

  private final Map<String, Optional<String>> defaults;

  private ConfigReference(Map<String, Optional<String>> defaults) {
    this.defaults = defaults;
  }

  static ConfigReference load() {
    try {
      return parse(Files.readString(RepoPaths.docs("configuration.md")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ConfigReference parse(String markdown) {
    Map<String, Optional<String>> defaults = new LinkedHashMap<>();
    for (String line : markdown.split("\n")) {
      if (!line.startsWith("| `")) {
        continue;
      }
      String[] cells = line.split("\\|");
      // cells[0] is empty (leading pipe); 1 = YAML key(s), 2 = env, 3 = default
      Matcher defaultCode = CODE.matcher(cells[3]);
      Optional<String> documentedDefault = defaultCode.find() ? Optional.of(defaultCode.group(1)) : Optional.empty();
      Matcher keys = CODE.matcher(cells[1]);
      while (keys.find()) {
        for (String key : expand(keys.group(1))) {
          defaults.put(key, documentedDefault);
        }
      }
    }
    if (defaults.isEmpty()) {
      throw new IllegalStateException("no keys found in docs/configuration.md");
    }
    return new ConfigReference(defaults);
  }

  /** `floatingIpV6.id/name/selector` stands for three keys. */
  private static Iterable<String> expand(String key) {
    int dot = key.lastIndexOf('.');
    if (!key.contains("/") || dot < 0) {
      return java.util.List.of(key);
    }
    String parent = key.substring(0, dot + 1);
    java.util.List<String> out = new java.util.ArrayList<>();
    for (String leaf : key.substring(dot + 1).split("/")) {
      out.add(parent + leaf);
    }
    return out;
  }

  boolean documents(String key) {
    return defaults.containsKey(key);
  }

  Optional<String> defaultOf(String key) {
    return defaults.getOrDefault(key, Optional.empty());
  }

  java.util.Set<String> keys() {
    return defaults.keySet();
  }
}
