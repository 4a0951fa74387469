package io.fipkeeper.config;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads typed values out of {@link ConfigSources}, adding one problem line per bad value
 * ({@code ORIGIN: rule, got "value"}) instead of stopping, and remembering where each value came from. On a
 * problem it returns the default, so loading can go on and find the remaining problems.
 */
final class SettingReader {
  private static final Pattern IPV4 =
      Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
  private static final Pattern LISTEN = Pattern.compile("(?:\\[([0-9A-Fa-f:.]+)]|([^:\\[\\]]*)):(\\d{1,5})");

  private final ConfigSources sources;
  private final List<String> problems;
  private final Map<String, String> origins = new HashMap<>();

  SettingReader(ConfigSources sources, List<String> problems) {
    this.sources = sources;
    this.problems = problems;
  }

  Map<String, String> origins() {
    return origins;
  }

  void problem(String origin, String rule, String value) {
    problems.add(origin + ": " + rule + ", got " + quote(value));
  }

  void problem(String line) {
    problems.add(line);
  }

  /** The raw value, remembering its origin for the printout. */
  Optional<RawValue> raw(ConfigKey key) {
    Optional<RawValue> v = sources.get(key);
    v.ifPresent(r -> origins.put(key.yamlKey, r.source()));
    return v;
  }

  /** The name the user most likely knows this key by, for "not set" messages. */
  static String names(ConfigKey key) {
    List<String> names = new ArrayList<>();
    names.add(key.yamlKey);
    names.addAll(key.envVars);
    return String.join(" or ", names);
  }

  String text(ConfigKey key, String dflt) {
    return raw(key).map(RawValue::text).orElse(dflt);
  }

  Duration duration(ConfigKey key, Duration dflt, Duration min) {
    Optional<RawValue> raw = raw(key);
    if (raw.isEmpty()) {
      return dflt;
    }
    Optional<Duration> d = DurationText.parse(raw.get().text());
    if (d.isEmpty()) {
      problem(raw.get().origin(), "must be a duration like 500ms, 2s or 1m", raw.get().text());
      return dflt;
    }
    if (d.get().compareTo(min) < 0) {
      problem(raw.get().origin(), "must be at least " + DurationText.format(min), raw.get().text());
      return dflt;
    }
    return d.get();
  }

  int integer(ConfigKey key, int dflt, int min, int max) {
    Optional<RawValue> raw = raw(key);
    if (raw.isEmpty()) {
      return dflt;
    }
    try {
      int n = Integer.parseInt(raw.get().text());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below with the same message as an out-of-range number
    }
    problem(raw.get().origin(), "must be a whole number between " + min + " and " + max, raw.get().text());
    return dflt;
  }

  boolean bool(ConfigKey key, boolean dflt) {
    Optional<RawValue> raw = raw(key);
    if (raw.isEmpty()) {
      return dflt;
    }
    switch (raw.get().text().toLowerCase(Locale.ROOT)) {
      case "true":
        return true;
      case "false":
        return false;
      default:
        problem(raw.get().origin(), "must be true or false", raw.get().text());
        return dflt;
    }
  }

  <E extends Enum<E>> E choice(ConfigKey key, Class<E> type, E dflt) {
    Optional<RawValue> raw = raw(key);
    if (raw.isEmpty()) {
      return dflt;
    }
    try {
      return Enum.valueOf(type, raw.get().text().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      List<String> allowed = new ArrayList<>();
      for (E c : type.getEnumConstants()) {
        allowed.add(c.name().toLowerCase(Locale.ROOT));
      }
      problem(raw.get().origin(), "must be one of " + String.join(", ", allowed), raw.get().text());
      return dflt;
    }
  }

  URI url(ConfigKey key, String dflt) {
    Optional<RawValue> raw = raw(key);
    if (raw.isEmpty()) {
      return URI.create(dflt);
    }
    return url(raw.get().origin(), raw.get().text()).orElse(URI.create(dflt));
  }

  Optional<URI> url(String origin, String text) {
    try {
      URI uri = new URI(text);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
        return Optional.of(uri);
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    problem(origin, "must be an http:// or https:// URL with a host", text);
    return Optional.empty();
  }

  /** An optional file that, when set, must exist as a regular readable file. */
  Optional<Path> file(ConfigKey key) {
    return raw(key).flatMap(r -> readableFile(r.origin(), r.text()));
  }

  Optional<Path> readableFile(String origin, String text) {
    Path path;
    try {
      path = Path.of(text);
    } catch (InvalidPathException e) {
      problem(origin, "must be a file path", text);
      return Optional.empty();
    }
    if (!Files.exists(path)) {
      problem(origin, "file does not exist", text);
    } else if (!Files.isRegularFile(path)) {
      problem(origin, "must be a regular file", text);
    } else if (!Files.isReadable(path)) {
      problem(origin, "file is not readable", text);
    } else {
      return Optional.of(path);
    }
    return Optional.empty();
  }

  /** {@code host:port}, {@code [v6]:port} or {@code :port}; the host must be an IP literal or localhost. */
  HttpSettings listen(ConfigKey key, HttpSettings dflt) {
    Optional<RawValue> raw = raw(key);
    if (raw.isEmpty()) {
      return dflt;
    }
    String text = raw.get().text();
    Matcher m = LISTEN.matcher(text);
    if (m.matches()) {
      int port = Integer.parseInt(m.group(3));
      String host = m.group(1) != null ? m.group(1) : m.group(2).isEmpty() ? "0.0.0.0" : m.group(2);
      if (port <= 65535 && (host.equals("localhost") || IPV4.matcher(host).matches()
          || (m.group(1) != null && isIpv6Literal(host)))) {
        return new HttpSettings(host, port);
      }
    }
    problem(raw.get().origin(),
        "must be host:port with an IP address (brackets around IPv6, like [::]:9847) and a port 0-65535", text);
    return dflt;
  }

  private static boolean isIpv6Literal(String host) {
    try {
      // only called with hex digits, ':' and '.', so this never goes to DNS
      return InetAddress.getByName(host).getAddress().length == 16;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  static String quote(String value) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : value.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\t' -> b.append("\\t");
        case '\r' -> b.append("\\r");
        default -> b.append(c);
      }
    }
    return b.append('"').toString();
  }
}
