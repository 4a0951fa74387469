package io.fipkeeper.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class IpCommandTest {
  @Test
  void aCommandThatHangsIsKilledAtTheTimeout() {
    IpCommand slow = new IpCommand(List.of("sleep"), Duration.ofMillis(300));
    long start = System.nanoTime();
    assertThatThrownBy(() -> slow.run("30")).isInstanceOf(IOException.class)
        .hasMessage("`sleep 30` did not finish within 300ms");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void capturesExitCodeAndBothStreams() throws IOException {
    IpCommand sh = new IpCommand(List.of("sh", "-c"), Duration.ofSeconds(10));
    IpCommand.Result r = sh.run("echo out; echo 'Error: bad thing' >&2; exit 3");
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.stdout()).isEqualTo("out\n");
    assertThat(r.failure()).isEqualTo("`sh -c echo out; echo 'Error: bad thing' >&2; exit 3` failed (exit 3): "
        + "Error: bad thing");
  }
}
