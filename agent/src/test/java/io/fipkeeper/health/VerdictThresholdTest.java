package io.fipkeeper.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VerdictThresholdTest {
  /** Results as '+' (ok) / '-' (failed); verdicts as 'H' / 'U', with '.' where nothing is reported. */
  @ParameterizedTest(name = "f={0} s={1}: {2} -> {3}")
  @CsvSource({
      "3, 1, +,         H",
      "3, 1, -,         U",
      "3, 2, +,         U",
      "3, 2, ++,        UH",
      "3, 1, +--+---,   H.....U",
      "3, 1, +---,      H..U",
      "1, 1, +-+-,      HUHU",
      "3, 2, ++---+-++, UH..U...H",
      "2, 3, -++-+++--, U.....H.U",
      "2, 3, ---+++---, U....H.U.",
  })
  void reportsTheFirstVerdictAndThenOnlyChanges(int failures, int successes, String results, String expected) {
    VerdictThreshold t = new VerdictThreshold(failures, successes);
    List<String> reported = new ArrayList<>();
    for (char c : results.toCharArray()) {
      reported.add(t.record(c == '+').map(ok -> ok ? "H" : "U").orElse("."));
    }
    String actual = String.join("", reported);
    assertThat(actual).isEqualTo(expected);
    assertThat(t.current()).contains(expected.replace(".", "").endsWith("H"));
  }
}
