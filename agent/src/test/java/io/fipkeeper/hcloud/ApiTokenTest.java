package io.fipkeeper.hcloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiTokenTest {
  private static final String SECRET = "abcDEF123-secret-value";

  @TempDir Path dir;

  @Test
  void readsAndTrimsTheTokenFromAFile() throws Exception {
    Path file = Files.writeString(dir.resolve("token"), "  " + SECRET + "\n");

    assertThat(ApiToken.fromFile(file).authorizationHeader()).isEqualTo("Bearer " + SECRET);
  }

  @Test
  void missingFileIsAOneLineErrorNamingThePath() {
    Path file = dir.resolve("absent");

    assertThatThrownBy(() -> ApiToken.fromFile(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("API token file " + file + ": does not exist");
  }

  @Test
  void emptyFileIsRejected() throws Exception {
    Path file = Files.writeString(dir.resolve("token"), " \n\n");

    assertThatThrownBy(() -> ApiToken.fromFile(file)).hasMessage("API token file " + file + ": is empty");
  }

  @Test
  void unreadableFileIsRejectedWithoutItsContent() throws Exception {
    Path directory = Files.createDirectory(dir.resolve("token.d"));

    assertThatThrownBy(() -> ApiToken.fromFile(directory))
        .hasMessageStartingWith("API token file " + directory + ": cannot be read");
  }

  @Test
  void fileWithInnerWhitespaceIsRejectedWithoutQuotingIt() throws Exception {
    Path file = Files.writeString(dir.resolve("token"), SECRET + "\n" + SECRET + "\n");

    assertThatThrownBy(() -> ApiToken.fromFile(file))
        .hasMessageContaining("contains whitespace")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET));
  }

  @Test
  void environmentVariableIsReadAndTrimmed() {
    ApiToken token = ApiToken.fromEnv("HCLOUD_TOKEN", Map.of("HCLOUD_TOKEN", SECRET + "\n")::get);

    assertThat(token).isEqualTo(ApiToken.of(SECRET));
  }

  @Test
  void unsetOrEmptyEnvironmentVariableNamesTheVariable() {
    assertThatThrownBy(() -> ApiToken.fromEnv("HCLOUD_TOKEN", Map.<String, String>of()::get))
        .hasMessage("HCLOUD_TOKEN: not set");
    assertThatThrownBy(() -> ApiToken.fromEnv("HCLOUD_TOKEN", Map.of("HCLOUD_TOKEN", "  ")::get))
        .hasMessage("HCLOUD_TOKEN: is empty");
  }

  @Test
  void blankTokenIsRejected() {
    assertThatThrownBy(() -> ApiToken.of(" ")).hasMessage("API token is empty");
  }

  @Test
  void toStringIsRedacted() {
    assertThat(ApiToken.of(SECRET)).hasToString("ApiToken[redacted]");
    assertThat(String.valueOf(ApiToken.of(" " + SECRET + " "))).doesNotContain(SECRET);
  }
}
