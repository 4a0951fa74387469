package io.fipkeeper.talos;

import java.util.List;

/**
 * Writes the small YAML subset the patches use: comments, nested keys, double-quoted scalars, lists of them and one
 * literal block. Values reaching {@link #quoted} are validated addresses, names, CIDRs and URLs, which never contain a
 * quote or a backslash; quoting keeps IPv6 text and {@code !}-prefixed exclusions from being read as anything else.
 */
final class PatchYaml {
  private final StringBuilder out = new StringBuilder();

  PatchYaml comment(String text) {
    out.append("# ").append(text).append('\n');
    return this;
  }

  PatchYaml key(int indent, String key) {
    out.append(" ".repeat(indent)).append(key).append(":\n");
    return this;
  }

  PatchYaml plain(int indent, String key, String value) {
    out.append(" ".repeat(indent)).append(key).append(": ").append(value).append('\n');
    return this;
  }

  PatchYaml quoted(int indent, String key, String value) {
    return plain(indent, key, quote(value));
  }

  PatchYaml list(int indent, String key, List<String> values) {
    key(indent, key);
    values.forEach(v -> out.append(" ".repeat(indent + 2)).append("- ").append(quote(v)).append('\n'));
    return this;
  }

  /** {@code key: |} and the text indented two more spaces, lines kept as they are; ends with one newline. */
  PatchYaml literal(int indent, String key, String text) {
    String body = text.replace("\r\n", "\n").stripTrailing();
    String firstLine = body.lines().filter(l -> !l.isBlank()).findFirst().orElse("");
    // an explicit indentation indicator when the content itself starts with spaces
    String indicator = firstLine.startsWith(" ") ? "2" : "";
    out.append(" ".repeat(indent)).append(key).append(": |").append(indicator).append('\n');
    body.lines().forEach(line ->
        out.append(line.isEmpty() ? "" : " ".repeat(indent + 2) + line).append('\n'));
    return this;
  }

  PatchYaml document() {
    out.append("---\n");
    return this;
  }

  String text() {
    return out.toString();
  }

  private static String quote(String value) {
    if (value.indexOf('"') >= 0 || value.indexOf('\\') >= 0) {
      throw new IllegalStateException("unvalidated value reached the YAML writer");
    }
    return '"' + value + '"';
  }
}
