package io.fipkeeper.testing;

import java.nio.file.Path;

/**
 * What a test etcd needs to serve clients over TLS and require client certificates: the CA it trusts for clients
 * ({@code --trusted-ca-file}, with {@code --client-cert-auth}) and its own serving certificate and key.
 */
public interface EtcdServerTls {
  /** PEM CA certificate that signed the server certificate and that client certificates must chain to. */
  Path ca();

  /** PEM serving certificate for {@code 127.0.0.1}. */
  Path serverCert();

  /** PEM key of {@link #serverCert()}. */
  Path serverKey();
}
