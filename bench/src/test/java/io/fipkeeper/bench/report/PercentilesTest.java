package io.fipkeeper.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class PercentilesTest {
  @Test
  void p99OfTwentyValuesIsTheMaximumByNearestRank() {
    List<Long> values = LongStream.rangeClosed(1, 20).map(i -> 21 - i).boxed().toList();
    Percentiles p = new Percentiles(values);
    assertThat(p.p99()).isEqualTo(20);
    assertThat(p.p50()).isEqualTo(10);
    assertThat(p.at(95)).isEqualTo(19);
    assertThat(p.min()).isEqualTo(1);
  }

  @Test
  void p99OfTwoHundredValuesIsRankOneHundredNinetyEight() {
    Percentiles p = new Percentiles(LongStream.rangeClosed(1, 200).boxed().toList());
    assertThat(p.p99()).isEqualTo(198);
    assertThat(p.max()).isEqualTo(200);
  }

  @Test
  void singleValueIsEveryPercentile() {
    Percentiles p = new Percentiles(List.of(7));
    assertThat(p.p50()).isEqualTo(7);
    assertThat(p.p99()).isEqualTo(7);
  }

  @Test
  void refusesEmptySetsAndPercentilesOutOfRange() {
    assertThatThrownBy(() -> new Percentiles(List.<Long>of()).p50()).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> new Percentiles(List.of(1)).at(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
