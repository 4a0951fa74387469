package io.fipkeeper.hcloudsim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hetzner's label selector: comma-separated requirements, all of which must hold. Supports {@code k==v}, {@code k=v},
 * {@code k!=v}, {@code k}, {@code !k}, {@code k in (a,b)} and {@code k notin (a,b)}. As in Kubernetes, whose grammar
 * Hetzner copies, {@code !=} and {@code notin} also match resources that lack the key.
 */
final class LabelSelector {
  private static final String NAME = "[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?";
  private static final Pattern KEY = Pattern.compile("([A-Za-z0-9.-]{1,253}/)?" + NAME);
  private static final Pattern VALUE = Pattern.compile("(" + NAME + ")?");
  private static final Pattern SET = Pattern.compile("^(\\S+)\\s+(in|notin)\\s*\\((.*)\\)$");
  private static final Pattern COMPARE = Pattern.compile("^([^=!\\s]+)\\s*(==|!=|=)\\s*(\\S*)$");

  private final List<Predicate<Map<String, String>>> requirements;

  private LabelSelector(List<Predicate<Map<String, String>>> requirements) {
    this.requirements = requirements;
  }

  /** Parses a selector; throws IllegalArgumentException naming the bad requirement. */
  static LabelSelector parse(String selector) {
    List<Predicate<Map<String, String>>> out = new ArrayList<>();
    for (String term : splitTopLevel(selector)) {
      out.add(requirement(term.trim()));
    }
    return new LabelSelector(out);
  }

  boolean matches(Map<String, String> labels) {
    return requirements.stream().allMatch(r -> r.test(labels));
  }

  private static Predicate<Map<String, String>> requirement(String term) {
    if (term.isEmpty()) {
      throw new IllegalArgumentException("empty requirement in label selector");
    }
    Matcher set = SET.matcher(term);
    if (set.matches()) {
      String key = key(set.group(1));
      Set<String> values = new java.util.HashSet<>();
      for (String v : set.group(3).split(",", -1)) {
        values.add(value(v.trim()));
      }
      return set.group(2).equals("in")
          ? labels -> labels.containsKey(key) && values.contains(labels.get(key))
          : labels -> !labels.containsKey(key) || !values.contains(labels.get(key));
    }
    Matcher cmp = COMPARE.matcher(term);
    if (cmp.matches()) {
      String key = key(cmp.group(1));
      String value = value(cmp.group(3));
      return cmp.group(2).equals("!=")
          ? labels -> !value.equals(labels.get(key))
          : labels -> value.equals(labels.get(key));
    }
    if (term.startsWith("!")) {
      String key = key(term.substring(1).trim());
      return labels -> !labels.containsKey(key);
    }
    String key = key(term);
    return labels -> labels.containsKey(key);
  }

  static String key(String key) {
    if (!KEY.matcher(key).matches()) {
      throw new IllegalArgumentException("invalid label key '" + key + "'");
    }
    return key;
  }

  static String value(String value) {
    if (!VALUE.matcher(value).matches()) {
      throw new IllegalArgumentException("invalid label value '" + value + "'");
    }
    return value;
  }

  private static List<String> splitTopLevel(String s) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
        if (depth < 0) {
          throw new IllegalArgumentException("unbalanced ')' in label selector");
        }
      } else if (c == ',' && depth == 0) {
        parts.add(s.substring(start, i));
        start = i + 1;
      }
    }
    if (depth != 0) {
      throw new IllegalArgumentException("unbalanced '(' in label selector");
    }
    parts.add(s.substring(start));
    return parts;
  }
}
