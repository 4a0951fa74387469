package io.fipkeeper.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The raw settings from the three sources (YAML file, environment, flags), each kept in its own layer so
 * precedence can be decided per key or per group. Reading never stops at the first problem: unknown keys,
 * malformed YAML and wrongly shaped values are all added to the shared problem list.
 */
final class ConfigSources {
  private static final ObjectMapper YAML = new ObjectMapper(
      YAMLFactory.builder().build().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION));

  /** YAML keys that are known on purpose but refused, with the reason. */
  private static final Map<String, String> REFUSED = Map.of(
      "hcloud.token", "the token must not be written in the config file (set hcloud.tokenFile or "
          + ConfigKey.TOKEN_ENV + ")");

  private final Map<ConfigKey, RawValue> yaml = new EnumMap<>(ConfigKey.class);
  private final Map<ConfigKey, RawValue> env = new EnumMap<>(ConfigKey.class);
  private final Map<ConfigKey, RawValue> flags = new EnumMap<>(ConfigKey.class);
  private final Optional<String> tokenEnv;
  private boolean unreadable;

  private ConfigSources(Optional<String> tokenEnv) {
    this.tokenEnv = tokenEnv;
  }

  static ConfigSources read(
      Optional<Path> yamlFile, Map<String, String> envVars, Map<String, String> flagValues, List<String> problems) {
    ConfigSources sources = new ConfigSources(nonBlank(envVars.get(ConfigKey.TOKEN_ENV)));
    yamlFile.ifPresent(f -> sources.readYaml(f, problems));
    for (ConfigKey key : ConfigKey.values()) {
      for (String var : key.envVars) {
        Optional<String> value = nonBlank(envVars.get(var));
        if (value.isPresent()) {
          sources.env.put(key, RawValue.scalar(var, "env " + var, value.get()));
          break;
        }
      }
    }
    flagValues.forEach((flag, value) -> {
      ConfigKey key = ConfigKey.byFlag(flag)
          .orElseThrow(() -> new IllegalArgumentException("not a configuration flag: " + flag));
      if (value != null) {
        sources.flags.put(key, RawValue.scalar(flag, "flag " + flag, value));
      }
    });
    return sources;
  }

  /**
   * Whether the YAML file could not be read or parsed at all; then "not set" problems would only be noise, so
   * the loader reports the file problem alone.
   */
  boolean fileUnreadable() {
    return unreadable;
  }

  /** The winning value of one key: flags over env over YAML. */
  Optional<RawValue> get(ConfigKey key) {
    return Stream.of(flags, env, yaml).map(layer -> layer.get(key)).filter(v -> v != null).findFirst();
  }

  /**
   * The values of a group of alternative keys (like floatingIp.id/name/selector) from the highest-precedence
   * source that sets any of them, so a flag can replace a name from the file with an id without a conflict.
   */
  Map<ConfigKey, RawValue> group(ConfigKey... keys) {
    for (Map<ConfigKey, RawValue> layer : List.of(flags, env, yaml)) {
      Map<ConfigKey, RawValue> found = new EnumMap<>(ConfigKey.class);
      for (ConfigKey key : keys) {
        if (layer.containsKey(key)) {
          found.put(key, layer.get(key));
        }
      }
      if (!found.isEmpty()) {
        return found;
      }
    }
    return Map.of();
  }

  /** The raw {@code HCLOUD_TOKEN} value; only ever passed on into a {@link TokenSource}. */
  Optional<String> tokenFromEnv() {
    return tokenEnv;
  }

  private void readYaml(Path file, List<String> problems) {
    JsonNode root;
    unreadable = true;
    try {
      root = YAML.readTree(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      problems.add(file + ": config file does not exist");
      return;
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
          + e.getLocation().getColumnNr();
      problems.add(file + ": not valid YAML" + where + ": " + firstLine(e.getOriginalMessage()));
      return;
    } catch (IOException e) {
      problems.add(file + ": cannot read config file (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
      return;
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      unreadable = false;
      return;
    }
    if (!root.isObject()) {
      problems.add(file + ": must be a mapping of keys to values, got " + shape(root));
      return;
    }
    unreadable = false;
    walk("", root, problems);
  }

  private void walk(String prefix, JsonNode object, List<String> problems) {
    for (Map.Entry<String, JsonNode> field : object.properties()) {
      String path = prefix + field.getKey();
      JsonNode node = field.getValue();
      Optional<ConfigKey> key = ConfigKey.byYamlKey(path);
      if (REFUSED.containsKey(path)) {
        problems.add(path + ": " + REFUSED.get(path));
      } else if (key.isPresent()) {
        readLeaf(key.get(), path, node, problems);
      } else if (prefix.isEmpty() && sections().contains(path)) {
        if (node.isObject()) {
          walk(path + ".", node, problems);
        } else if (!node.isNull()) {
          problems.add(path + ": must be a mapping (" + String.join(", ", keysOf(path)) + "), got " + shape(node));
        }
      } else {
        problems.add("unknown key '" + path + "'" + suggestion(path).map(s -> " (did you mean '" + s + "'?)")
            .orElse(""));
      }
    }
  }

  private void readLeaf(ConfigKey key, String path, JsonNode node, List<String> problems) {
    if (node.isNull()) {
      return;
    }
    if (node.isValueNode()) {
      yaml.put(key, RawValue.scalar(path, "config file", node.asText()));
    } else if (node.isArray() && key == ConfigKey.ETCD_ENDPOINTS) {
      List<String> items = new ArrayList<>();
      for (JsonNode item : node) {
        if (item.isValueNode() && !item.isNull()) {
          items.add(item.asText().strip());
        } else {
          problems.add(path + ": every item must be a URL, got " + shape(item));
        }
      }
      yaml.put(key, RawValue.list(path, "config file", items));
    } else {
      problems.add(path + ": must be a single value, got " + shape(node));
    }
  }

  private static Set<String> sections() {
    return Arrays.stream(ConfigKey.values()).map(ConfigKey::section).flatMap(Optional::stream)
        .collect(Collectors.toSet());
  }

  private static List<String> keysOf(String section) {
    return Arrays.stream(ConfigKey.values()).filter(k -> k.section().equals(Optional.of(section)))
        .map(k -> k.yamlKey.substring(section.length() + 1)).toList();
  }

  /** The closest known key, when it is close enough to be a plausible typo. */
  static Optional<String> suggestion(String unknown) {
    List<String> candidates = new ArrayList<>();
    Arrays.stream(ConfigKey.values()).forEach(k -> candidates.add(k.yamlKey));
    candidates.addAll(sections());
    String lower = unknown.toLowerCase(Locale.ROOT);
    return candidates.stream()
        .min(Comparator.comparingInt(c -> distance(lower, c.toLowerCase(Locale.ROOT))))
        .filter(c -> distance(lower, c.toLowerCase(Locale.ROOT)) <= Math.max(2, unknown.length() / 4));
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  private static String shape(JsonNode node) {
    if (node.isObject()) {
      return "a mapping";
    }
    if (node.isArray()) {
      return "a list";
    }
    return "\"" + node.asText() + "\"";
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static Optional<String> nonBlank(String s) {
    return s == null || s.isBlank() ? Optional.empty() : Optional.of(s);
  }
}
