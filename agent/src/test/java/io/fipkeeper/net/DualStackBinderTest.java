package io.fipkeeper.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DualStackBinderTest {

  @Test
  void bindingTheIpv4AddressAlsoBindsTheIpv6OneAndOnlyBothCountAsBound() throws Exception {
    InetAddress v4 = InetAddress.getByName("203.0.113.10");
    InetAddress v6 = InetAddress.getByName("2001:db8:1::1");
    var recording = new RecordingBinder("eth0", Set.of(v6));
    var binder = new DualStackBinder(recording, v4, v6);
    assertThat(binder.isBound(v4)).as("the IPv6 address alone: a leader must bind again").isFalse();
    binder.unbind(v4);
    assertThat(recording.isBound(v6)).as("an unbind removes both").isFalse();
    binder.bind(v4);
    assertThat(recording.isBound(v4)).isTrue();
    assertThat(recording.isBound(v6)).isTrue();
    assertThat(binder.isBound(v4)).isTrue();
    recording.unbind(v6); // removed behind the leader's back
    assertThat(binder.isBound(v4)).as("one family missing reads as not bound").isFalse();
    binder.unbind(v4);
    assertThat(recording.boundAddresses()).isEmpty();
  }
}
