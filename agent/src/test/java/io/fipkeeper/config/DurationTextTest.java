package io.fipkeeper.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationTextTest {
  @ParameterizedTest
  @CsvSource({"500ms,500", "2s,2000", "1m,60000", "1h,3600000", "1m30s,90000", "0s,0"})
  void parsesDurationsWithUnits(String text, long millis) {
    assertThat(DurationText.parse(text)).contains(Duration.ofMillis(millis));
  }

  @ParameterizedTest
  @ValueSource(strings = {"10", "2 s", "1.5s", "s", "", "-1s", "1d", "99999999999999999999s"})
  void rejectsTextThatIsNotADuration(String text) {
    assertThat(DurationText.parse(text)).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({"500,500ms", "2000,2s", "60000,1m", "90000,90s", "3600000,1h", "1500,1500ms", "0,0ms"})
  void formatsTheShortestExactText(long millis, String text) {
    assertThat(DurationText.format(Duration.ofMillis(millis))).isEqualTo(text);
    assertThat(DurationText.parse(text)).contains(Duration.ofMillis(millis));
  }
}
