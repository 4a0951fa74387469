package io.fipkeeper.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the Hetzner token: {@code hcloud.tokenFile} (or its env var/flag) first, else {@code HCLOUD_TOKEN}.
 * Checks that it is present and one printable word; no problem message ever includes the token itself.
 */
final class TokenReader {
  private final SettingReader in;
  private final ConfigSources sources;

  TokenReader(SettingReader in, ConfigSources sources) {
    this.in = in;
    this.sources = sources;
  }

  /** The token source, or null after adding a problem. */
  TokenSource read() {
    Optional<RawValue> fileRaw = in.raw(ConfigKey.HCLOUD_TOKEN_FILE);
    if (fileRaw.isPresent()) {
      Optional<Path> file = in.readableFile(fileRaw.get().origin(), fileRaw.get().text());
      if (file.isEmpty()) {
        return null;
      }
      TokenSource source = TokenSource.file(file.get());
      checkToken(fileRaw.get().origin(), source);
      return source;
    }
    Optional<String> value = sources.tokenFromEnv();
    if (value.isEmpty()) {
      in.problem(ConfigKey.TOKEN_ENV + ": not set (mount the Secret key \"token\" or set hcloud.tokenFile)");
      return null;
    }
    TokenSource source = TokenSource.env(ConfigKey.TOKEN_ENV, value.get());
    checkToken(ConfigKey.TOKEN_ENV, source);
    return source;
  }

  /** Checks the token's shape; the messages never include the token. */
  private void checkToken(String origin, TokenSource source) {
    String token;
    try {
      token = source.read();
    } catch (java.io.UncheckedIOException e) {
      in.problem(origin + ": " + e.getMessage());
      return;
    }
    if (token.isEmpty()) {
      in.problem(origin + ": the token is empty (" + source.description() + ")");
    } else if (!token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      in.problem(origin + ": the token must be one word of printable ASCII (" + source.description()
          + "; value not shown)");
    }
  }
}
