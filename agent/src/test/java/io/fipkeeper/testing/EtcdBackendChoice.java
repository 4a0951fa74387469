package io.fipkeeper.testing;

import java.nio.file.Path;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Which etcd {@link EtcdExtension} runs, decided from the environment and two probes that are injected so the rule
 * can be tested on a machine that has only one of the two.
 *
 * <p>The rule: {@code FIPKEEPER_ETCD_BACKEND=process|container} forces one, and a forced backend that is not
 * available fails the class (someone asked for it explicitly); unset, blank or {@code auto} takes the etcd binary
 * ({@code FIPKEEPER_ETCD_BINARY}, default {@code /usr/bin/etcd}) when it is executable, else a container
 * ({@code FIPKEEPER_ETCD_IMAGE}, default {@value EtcdContainer#DEFAULT_IMAGE}) when Docker answers, else skips the
 * class. The Docker probe is slow and chatty, so it is consulted only when the binary is missing or a container
 * is forced.
 */
record EtcdBackendChoice(Kind kind, Path binary, String image, String reason) {

  enum Kind { PROCESS, CONTAINER, SKIP, FAIL }

  static final String BACKEND_VAR = "FIPKEEPER_ETCD_BACKEND";
  static final String BINARY_VAR = "FIPKEEPER_ETCD_BINARY";
  static final String IMAGE_VAR = "FIPKEEPER_ETCD_IMAGE";

  /**
   * @param env reads an environment variable ({@code null} when unset), e.g. {@code System::getenv}
   * @param binaryUsable whether etcd can be run from that path
   * @param dockerAvailable whether a Docker engine answers
   */
  static EtcdBackendChoice decide(
      Function<String, String> env, Predicate<Path> binaryUsable, BooleanSupplier dockerAvailable) {
    Path binary = Path.of(orDefault(env.apply(BINARY_VAR), EtcdExtension.DEFAULT_BINARY.toString()));
    String image = orDefault(env.apply(IMAGE_VAR), EtcdContainer.DEFAULT_IMAGE);
    String forced = orDefault(env.apply(BACKEND_VAR), "auto").toLowerCase(Locale.ROOT);
    String noBinary = "etcd binary not found at " + binary;
    String noDocker = "no Docker engine answers (set DOCKER_HOST or start dockerd)";
    switch (forced) {
      case "process":
        return binaryUsable.test(binary)
            ? new EtcdBackendChoice(Kind.PROCESS, binary, image, BACKEND_VAR + "=process")
            : fail(BACKEND_VAR + "=process but " + noBinary + ": apt-get install etcd-server");
      case "container":
        return dockerAvailable.getAsBoolean()
            ? new EtcdBackendChoice(Kind.CONTAINER, binary, image, BACKEND_VAR + "=container")
            : fail(BACKEND_VAR + "=container but " + noDocker);
      case "auto":
        if (binaryUsable.test(binary)) {
          return new EtcdBackendChoice(Kind.PROCESS, binary, image, "etcd binary at " + binary);
        }
        if (dockerAvailable.getAsBoolean()) {
          return new EtcdBackendChoice(Kind.CONTAINER, binary, image, noBinary + ", Docker answers");
        }
        return new EtcdBackendChoice(
            Kind.SKIP, binary, image, noBinary + " and no Docker: apt-get install etcd-server");
      default:
        return fail(BACKEND_VAR + " must be process, container or auto, not '" + forced + "'");
    }
  }

  private static EtcdBackendChoice fail(String reason) {
    return new EtcdBackendChoice(Kind.FAIL, null, null, reason);
  }

  private static String orDefault(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value.trim();
  }
}
