package io.fipkeeper.etcd;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLException;

/**
 * How to reach etcd: client URLs, optional TLS files and the dial timeout. Immutable; checked on construction so a
 * bad value fails before anything connects.
 *
 * @param endpoints client URLs, e.g. {@code https://127.0.0.1:2379}; at least one
 * @param caFile CA bundle that signed etcd's serving certificate, or null for plain http / system trust
 * @param certFile client certificate for mTLS, or null (then {@code keyFile} must be null too)
 * @param keyFile PEM private key of {@code certFile} (PKCS#8, PKCS#1 RSA or SEC1 EC), or null
 * @param dialTimeout how long one connection attempt may take
 */
public record EtcdSettings(List<URI> endpoints, Path caFile, Path certFile, Path keyFile, Duration dialTimeout) {

  public EtcdSettings {
    endpoints = List.copyOf(Objects.requireNonNull(endpoints, "endpoints"));
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("endpoints: at least one etcd client URL is required");
    }
    if ((certFile == null) != (keyFile == null)) {
      throw new IllegalArgumentException("certFile and keyFile: set both for mTLS or neither, got certFile="
          + certFile + " keyFile=" + keyFile);
    }
    Objects.requireNonNull(dialTimeout, "dialTimeout");
    if (dialTimeout.isNegative() || dialTimeout.isZero()) {
      throw new IllegalArgumentException("dialTimeout: must be positive, got " + dialTimeout);
    }
  }

  /** Plain-text endpoints with a 2 s dial timeout (tests, local etcd). */
  public static EtcdSettings plain(List<URI> endpoints) {
    return new EtcdSettings(endpoints, null, null, null, Duration.ofSeconds(2));
  }

  static final Duration KEEPALIVE_TIME = Duration.ofSeconds(5);
  static final Duration KEEPALIVE_TIMEOUT = Duration.ofSeconds(2);

  /** Builds a jetcd client; the caller owns (and closes) it. */
  Client newClient() {
    ClientBuilder builder = Client.builder()
        .endpoints(endpoints.toArray(URI[]::new))
        .connectTimeout(dialTimeout)
        // a hung etcd must surface as failed calls, not as calls queued until it returns
        .waitForReady(false)
        // A member cut off by a partition leaves the TCP connection open but silent: without HTTP/2 pings the
        // channel never notices, every candidate stays stuck on that member and nobody takes over. 5 s is the
        // smallest interval etcd accepts by default (--grpc-keepalive-min-time); pings go out only while calls are
        // open (lease keep-alive, watches, campaign), which etcd requires (PermitWithoutStream=false).
        .keepaliveTime(KEEPALIVE_TIME)
        .keepaliveTimeout(KEEPALIVE_TIMEOUT)
        .keepaliveWithoutCalls(false)
        // jetcd spreads calls over every endpoint (round_robin) by default: then one partitioned member stalls a
        // share of every agent's campaigns and keep-alives. The chart lists the node's own member first; stick to
        // it and move to the next endpoint only when it is unreachable.
        .loadBalancerPolicy("pick_first");
    if (caFile != null || certFile != null) {
      try {
        builder.sslContext(ssl -> {
          if (caFile != null) {
            ssl.trustManager(PemFiles.certificates(caFile));
          }
          if (certFile != null) {
            ssl.keyManager(PemFiles.privateKey(keyFile), PemFiles.certificates(certFile));
          }
        });
      } catch (SSLException | IllegalArgumentException e) {
        throw new IllegalArgumentException("etcd TLS files: cannot load (" + e.getMessage() + ")", e);
      }
    }
    return builder.build();
  }
}
