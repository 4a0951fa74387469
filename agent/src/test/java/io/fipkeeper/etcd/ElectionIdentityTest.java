package io.fipkeeper.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ElectionIdentityTest {

  @Test
  void aCampaignValueRoundTripsAndTwoRunsOfOneAgentAreTheSameAgent() {
    ElectionIdentity first = ElectionIdentity.of("cp-1", 4242);
    ElectionIdentity second = ElectionIdentity.of("cp-1", 4242);

    assertThat(ElectionIdentity.parse(first.value())).isEqualTo(first);
    assertThat(first.run()).isNotEqualTo(second.run()).hasSize(12);
    assertThat(first.sameAgent(second)).isTrue();
    assertThat(first.sameAgent(ElectionIdentity.of("cp-1", 4243))).as("same name, another server").isFalse();
    assertThat(first.sameAgent(ElectionIdentity.of("cp-2", 4242))).isFalse();
  }

  @Test
  void aValueWrittenByAnOlderAgentIsANodeNameWithoutIdentityAndNeverTheSameAgent() {
    ElectionIdentity old = ElectionIdentity.parse("cp-1");

    assertThat(old).isEqualTo(new ElectionIdentity("cp-1", 0, ""));
    assertThat(old.sameAgent(ElectionIdentity.of("cp-1", 4242))).isFalse();
    assertThat(ElectionIdentity.of("cp-1", 4242).sameAgent(old)).isFalse();
  }

  @Test
  void anUnreadableValueNeverThrows() {
    assertThat(ElectionIdentity.parse("a/b/c").node()).isEqualTo("a");
    assertThat(ElectionIdentity.parse("a/b/c").serverId()).isZero();
    assertThat(ElectionIdentity.parse("").node()).isEqualTo("?");
    assertThat(ElectionIdentity.parse(null).node()).isEqualTo("?");
  }
}
