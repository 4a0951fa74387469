package io.fipkeeper.hcloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fipkeeper.leader.port.FloatingIpTakeover;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class DualStackTakeoverTest {
  private static final long SELF = 7;

  /** A takeover that moves "its" IP to SELF and counts fence calls. */
  private static final class FakeTakeover implements FloatingIpTakeover {
    final String address;
    Long server;
    final List<String> calls = new ArrayList<>();

    FakeTakeover(String address, Long server) {
      this.address = address;
      this.server = server;
    }

    @Override
    public long takeOver(BooleanSupplier fence) throws TakeoverException {
      if (server != null && server == SELF) {
        calls.add("noop");
        return SELF;
      }
      if (!fence.getAsBoolean()) {
        throw new TakeoverException("fenced", false, true, null);
      }
      calls.add("assign");
      server = SELF;
      return SELF;
    }

    @Override
    public Long currentServer() {
      return server;
    }

    @Override
    public String address() {
      return address;
    }
  }

  @Test
  void takesOverBothAddressesFencingEachAssign() throws Exception {
    var v4 = new FakeTakeover("203.0.113.10", 1L);
    var v6 = new FakeTakeover("2001:db8:1::1", 1L);
    int[] fences = {0};
    long server = new DualStackTakeover(v4, v6, SELF).takeOver(() -> ++fences[0] > 0);
    assertThat(server).isEqualTo(SELF);
    assertThat(v4.calls).containsExactly("assign");
    assertThat(v6.calls).containsExactly("assign");
    assertThat(fences[0]).as("one fence check right before each assign").isEqualTo(2);
  }

  @Test
  void aRefusedFenceStopsBeforeTheSecondAssign() {
    var v4 = new FakeTakeover("203.0.113.10", 1L);
    var v6 = new FakeTakeover("2001:db8:1::1", 1L);
    assertThatThrownBy(() -> new DualStackTakeover(v4, v6, SELF).takeOver(() -> false))
        .isInstanceOf(FloatingIpTakeover.TakeoverException.class)
        .satisfies(e -> assertThat(((FloatingIpTakeover.TakeoverException) e).fenced()).isTrue());
    assertThat(v6.calls).isEmpty();
  }

  /** Regression (issue 8, defect 6): a drift of the IPv4 address alone read as "here" (the IPv6 server was reported). */
  @Test
  void aDriftOfOnlyTheIpv4AddressReadsAsNotHere() throws Exception {
    var v4 = new FakeTakeover("203.0.113.10", 3L);
    var v6 = new FakeTakeover("2001:db8:1::1", SELF);
    assertThat(new DualStackTakeover(v4, v6, SELF).currentServer()).isEqualTo(3L);
    v4.server = null;
    assertThat(new DualStackTakeover(v4, v6, SELF).currentServer()).as("IPv4 unassigned").isNull();
  }

  @Test
  void aDriftOfOnlyTheIpv6AddressReadsAsNotHere() throws Exception {
    var v4 = new FakeTakeover("203.0.113.10", SELF);
    var v6 = new FakeTakeover("2001:db8:1::1", 3L);
    assertThat(new DualStackTakeover(v4, v6, SELF).currentServer()).isEqualTo(3L);
    v6.server = SELF;
    assertThat(new DualStackTakeover(v4, v6, SELF).currentServer()).isEqualTo(SELF);
  }
}
