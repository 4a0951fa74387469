package io.fipkeeper.hcloudsim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class LabelSelectorTest {
  private static final Map<String, String> LABELS =
      Map.of("env", "production", "type", "web", "example.com/my", "label", "just-a-key", "");

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "env=production              | true",
      "env==production             | true",
      "env=staging                 | false",
      "env!=staging                | true",
      "env!=production             | false",
      "missing!=x                  | true",
      "env                         | true",
      "missing                     | false",
      "!missing                    | true",
      "!env                        | false",
      "env in (staging,production) | true",
      "env in (staging,testing)    | false",
      "env notin (staging,testing) | true",
      "env notin (production)      | false",
      "missing notin (a)           | true",
      "missing in (a)              | false",
      "example.com/my=label        | true",
      "just-a-key=                 | true",
      "just-a-key                  | true",
      "env=production,type!=database | true",
      "env=production,type=database  | false",
      "env in (a,production),!missing,type | true",
  })
  void matchesLikeTheHetznerGrammar(String selector, boolean expected) {
    assertThat(LabelSelector.parse(selector.trim()).matches(LABELS)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "env in (a", "env)", "=x", "bad key=v", "k=v v", "-lead=v", "k=" + "x" + "x-", ","})
  void rejectsMalformedSelectors(String selector) {
    assertThatThrownBy(() -> LabelSelector.parse(selector)).isInstanceOf(IllegalArgumentException.class);
  }
}
