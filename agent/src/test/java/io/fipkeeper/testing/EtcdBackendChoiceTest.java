package io.fipkeeper.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fipkeeper.testing.EtcdBackendChoice.Kind;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/** The rule that picks a local etcd process, a container, or a skip; both probes are fakes here. */
class EtcdBackendChoiceTest {

  private final Map<String, String> env = new HashMap<>();
  private final AtomicInteger dockerProbes = new AtomicInteger();

  @Test
  void prefersTheBinaryAndNeverAsksDockerWhenItExists() {
    EtcdBackendChoice choice = decide(path -> true, docker(true));

    assertThat(choice.kind()).isEqualTo(Kind.PROCESS);
    assertThat(choice.binary()).isEqualTo(EtcdExtension.DEFAULT_BINARY);
    assertThat(dockerProbes).hasValue(0);
  }

  @Test
  void fallsBackToTheOfficialImageWhenOnlyDockerExists() {
    EtcdBackendChoice choice = decide(path -> false, docker(true));

    assertThat(choice.kind()).isEqualTo(Kind.CONTAINER);
    assertThat(choice.image()).isEqualTo(EtcdContainer.DEFAULT_IMAGE).startsWith("quay.io/coreos/etcd:");
    assertThat(dockerProbes).hasValue(1);
  }

  @Test
  void skipsWithTheInstallHintWhenNeitherExists() {
    EtcdBackendChoice choice = decide(path -> false, docker(false));

    assertThat(choice.kind()).isEqualTo(Kind.SKIP);
    assertThat(choice.reason())
        .isEqualTo("etcd binary not found at /usr/bin/etcd and no Docker: apt-get install etcd-server");
  }

  @Test
  void probesTheBinaryNamedByTheOverride() {
    env.put("FIPKEEPER_ETCD_BINARY", "/opt/etcd/bin/etcd");
    Predicate<Path> onlyOpt = path -> path.equals(Path.of("/opt/etcd/bin/etcd"));

    EtcdBackendChoice choice = decide(onlyOpt, docker(false));

    assertThat(choice.kind()).isEqualTo(Kind.PROCESS);
    assertThat(choice.binary()).isEqualTo(Path.of("/opt/etcd/bin/etcd"));
  }

  @Test
  void takesTheImageFromTheOverride() {
    env.put("FIPKEEPER_ETCD_IMAGE", "gcr.io/etcd-development/etcd:v3.5.17");

    assertThat(decide(path -> false, docker(true)).image()).isEqualTo("gcr.io/etcd-development/etcd:v3.5.17");
  }

  @Test
  void forcedContainerWinsOverAnExistingBinary() {
    env.put("FIPKEEPER_ETCD_BACKEND", "container");

    assertThat(decide(path -> true, docker(true)).kind()).isEqualTo(Kind.CONTAINER);
  }

  @Test
  void forcedProcessNeverAsksDocker() {
    env.put("FIPKEEPER_ETCD_BACKEND", " Process ");

    assertThat(decide(path -> true, docker(true)).kind()).isEqualTo(Kind.PROCESS);
    assertThat(dockerProbes).hasValue(0);
  }

  @Test
  void forcedButMissingBackendFailsInsteadOfSkipping() {
    env.put("FIPKEEPER_ETCD_BACKEND", "container");
    EtcdBackendChoice noDocker = decide(path -> true, docker(false));
    env.put("FIPKEEPER_ETCD_BACKEND", "process");
    EtcdBackendChoice noBinary = decide(path -> false, docker(true));

    assertThat(noDocker.kind()).isEqualTo(Kind.FAIL);
    assertThat(noDocker.reason()).startsWith("FIPKEEPER_ETCD_BACKEND=container but no Docker");
    assertThat(noBinary.kind()).isEqualTo(Kind.FAIL);
    assertThat(noBinary.reason()).contains("etcd binary not found at /usr/bin/etcd").contains("apt-get install etcd-server");
  }

  @Test
  void blankOrAutoMeansTheAutomaticRule() {
    env.put("FIPKEEPER_ETCD_BACKEND", "");
    EtcdBackendChoice blank = decide(path -> false, docker(true));
    env.put("FIPKEEPER_ETCD_BACKEND", "auto");
    EtcdBackendChoice auto = decide(path -> true, docker(true));

    assertThat(blank.kind()).isEqualTo(Kind.CONTAINER);
    assertThat(auto.kind()).isEqualTo(Kind.PROCESS);
  }

  @Test
  void rejectsAnUnknownBackendName() {
    env.put("FIPKEEPER_ETCD_BACKEND", "podman");

    EtcdBackendChoice choice = decide(path -> true, docker(true));

    assertThat(choice.kind()).isEqualTo(Kind.FAIL);
    assertThat(choice.reason()).isEqualTo("FIPKEEPER_ETCD_BACKEND must be process, container or auto, not 'podman'");
  }

  @Test
  void extensionSkipsTheClassWhenNeitherExists() {
    EtcdExtension etcd = new EtcdExtension(env::get, path -> false, docker(false));

    assertThatThrownBy(() -> etcd.beforeAll(null))
        .isInstanceOf(TestAbortedException.class)
        .hasMessageContaining("etcd binary not found at /usr/bin/etcd and no Docker: apt-get install etcd-server");
    assertThat(etcd.isRunning()).isFalse();
  }

  @Test
  void extensionFailsTheClassWhenTheForcedBackendIsMissing() {
    env.put("FIPKEEPER_ETCD_BACKEND", "container");
    EtcdExtension etcd = new EtcdExtension(env::get, path -> true, docker(false));

    assertThatThrownBy(() -> etcd.beforeAll(null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("FIPKEEPER_ETCD_BACKEND=container but no Docker");
    assertThatThrownBy(etcd::endpoint).hasMessageContaining("etcd has not started");
  }

  private EtcdBackendChoice decide(Predicate<Path> binaryUsable, BooleanSupplier dockerAvailable) {
    return EtcdBackendChoice.decide(env::get, binaryUsable, dockerAvailable);
  }

  private BooleanSupplier docker(boolean available) {
    return () -> {
      dockerProbes.incrementAndGet();
      return available;
    };
  }
}
