package io.fipkeeper.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.fipkeeper.net.RecordingBinder.Change;
import io.fipkeeper.net.RecordingBinder.Change.Kind;
import java.net.InetAddress;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RecordingBinderTest {
  @Test
  void recordsEveryCallAndWhetherItChangedAnything() throws Exception {
    InetAddress fip = InetAddress.getByName("203.0.113.20");
    InetAddress stale = InetAddress.getByName("203.0.113.21");
    RecordingBinder binder = new RecordingBinder("eth0", Set.of(stale));

    binder.bind(fip);
    binder.bind(fip);
    binder.unbind(stale);
    binder.unbind(stale);

    assertThat(binder.interfaceName()).isEqualTo("eth0");
    assertThat(binder.isBound(fip)).isTrue();
    assertThat(binder.boundAddresses()).containsExactly(fip);
    assertThat(binder.history()).containsExactly(
        new Change(Kind.BIND, fip, true), new Change(Kind.BIND, fip, false),
        new Change(Kind.UNBIND, stale, true), new Change(Kind.UNBIND, stale, false));
  }
}
