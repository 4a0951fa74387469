package io.fipkeeper.health;

import io.fipkeeper.config.ProbeSettings;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The TLS context of the probe: the configured CA bundle, trust-all for {@code insecureSkipVerify} (loopback
 * URLs only, enforced by {@link ProbeSettings}), or the JDK defaults.
 */
final class ProbeTls {
  private ProbeTls() {}

  /** Empty means "JDK defaults". Throws IllegalArgumentException with a one-line message on a bad CA file. */
  static Optional<SSLContext> context(ProbeSettings settings) {
    try {
      if (settings.insecureSkipVerify()) {
        if (!ProbeSettings.isLoopback(settings.url())) {
          throw new IllegalArgumentException("insecureSkipVerify is only allowed for loopback URLs");
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {new TrustAll()}, null);
        return Optional.of(ctx);
      }
      if (settings.caFile().isPresent()) {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, trustManagers(settings.caFile().get()), null);
        return Optional.of(ctx);
      }
      return Optional.empty();
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("apiserver TLS setup failed: " + e.getMessage(), e);
    }
  }

  private static TrustManager[] trustManagers(Path caFile) throws GeneralSecurityException {
    Collection<? extends Certificate> certs;
    try (InputStream in = Files.newInputStream(caFile)) {
      certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("apiserver.caFile: cannot read certificates from " + caFile + " ("
          + e.getMessage() + ")", e);
    }
    if (certs.isEmpty()) {
      throw new IllegalArgumentException("apiserver.caFile: no certificate in " + caFile);
    }
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    try {
      store.load(null, null);
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
    int i = 0;
    for (Certificate cert : certs) {
      store.setCertificateEntry("ca-" + i++, cert);
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    return tmf.getTrustManagers();
  }

  /**
   * Accepts any certificate and, being an extended trust manager, also skips the host name check (the JDK does
   * endpoint identification inside the trust manager).
   */
  private static final class TrustAll extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
