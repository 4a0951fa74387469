package io.fipkeeper.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * etcd client settings. {@code endpoints} is non-empty (http/https URLs); {@code certFile} and {@code keyFile}
 * are both present or both absent; every file existed and was readable at load time; {@code prefix} starts with
 * '/' and has no trailing '/'; {@code leaseTtl} is a whole number of seconds in 2..300.
 */
public record EtcdSettings(
    List<URI> endpoints,
    Optional<Path> caFile,
    Optional<Path> certFile,
    Optional<Path> keyFile,
    String prefix,
    Duration leaseTtl,
    Duration dialTimeout) {

  public EtcdSettings {
    endpoints = List.copyOf(endpoints);
    Objects.requireNonNull(caFile, "caFile");
    Objects.requireNonNull(certFile, "certFile");
    Objects.requireNonNull(keyFile, "keyFile");
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(leaseTtl, "leaseTtl");
    Objects.requireNonNull(dialTimeout, "dialTimeout");
  }

  /** The lease TTL as etcd wants it. */
  public long leaseTtlSeconds() {
    return leaseTtl.toSeconds();
  }
}
