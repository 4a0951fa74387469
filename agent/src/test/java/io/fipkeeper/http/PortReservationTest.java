package io.fipkeeper.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fipkeeper.leader.AgentSnapshot;
import io.fipkeeper.metrics.AgentMetrics;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** The HTTP port is held from the start of a start-up and handed to the server that binds it later. */
class PortReservationTest {

  private static InetSocketAddress freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return new InetSocketAddress(InetAddress.getLoopbackAddress(), s.getLocalPort());
    }
  }

  @Test
  void aSecondReservationOfTheSamePortFailsWithTheServersOneLineMessage() throws Exception {
    InetSocketAddress listen = freePort();
    try (PortReservation first = PortReservation.hold(listen)) {
      assertThatThrownBy(() -> PortReservation.hold(listen))
          .isInstanceOf(BindException.class)
          .hasMessageStartingWith("cannot listen on 127.0.0.1:" + listen.getPort() + " (http.listen): ");
    }
  }

  @Test
  void theStatusServerBindsThePortOnceTheReservationLetsGo() throws Exception {
    InetSocketAddress listen = freePort();
    PortReservation reservation = PortReservation.hold(listen);
    try (AgentMetrics metrics = new AgentMetrics("cp-1", "203.0.113.10", "test")) {
      StatusServer server = new StatusServer(listen, () -> (AgentSnapshot) null, new HealthChecks(),
          new HealthChecks(), metrics, "test");
      assertThatThrownBy(server::start).as("still held").isInstanceOf(BindException.class);
      reservation.close();
      StatusServer next = new StatusServer(listen, () -> (AgentSnapshot) null, new HealthChecks(),
          new HealthChecks(), metrics, "test");
      try {
        assertThat(next.start().getPort()).isEqualTo(listen.getPort());
      } finally {
        next.close();
      }
    }
  }

  @Test
  void portZeroReservesNothing() throws Exception {
    InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    try (PortReservation a = PortReservation.hold(any); PortReservation b = PortReservation.hold(any)) {
      assertThat(a).isNotSameAs(b);
    }
  }
}
