package io.fipkeeper.talos;

import io.fipkeeper.pki.ClientCertificateIssuer;
import io.fipkeeper.pki.IssuedCertificate;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.regex.Pattern;
import javax.security.auth.x500.X500Principal;

/**
 * What {@code fipkeeper etcd-client-cert} does, without the command line: finds the etcd CA in a Talos machine
 * config or secrets bundle, issues a client certificate from it and renders the Secret manifest the chart mounts.
 * Pure apart from the clock and the random source, both injected.
 */
public final class EtcdClientCertificate {
  /** Back-dating covers clock skew between this machine and the etcd members, as Talos' own issuers do. */
  static final Duration BACKDATE = Duration.ofMinutes(5);
  private static final Pattern COMMON_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private final Clock clock;
  private final SecureRandom random;

  public EtcdClientCertificate(Clock clock, SecureRandom random) {
    this.clock = clock;
    this.random = random;
  }

  /** The manifest and a one-line summary without secrets, for standard error. */
  public record Result(String manifest, String summary) {
    @Override
    public String toString() {
      return "Result[summary=" + summary + ", manifest=<redacted>]";
    }
  }

  /**
   * @param source how to name the input in messages
   * @param text the machine config or secrets bundle
   * @throws IllegalArgumentException with a one-line reason for any bad input
   */
  public Result issue(String source, String text, String name, String namespace, String validity, String commonName) {
    EtcdClientSecret secret = EtcdClientSecret.named(name, namespace);
    Duration lifetime = Validity.parse(validity);
    if (commonName == null || !COMMON_NAME.matcher(commonName).matches()) {
      throw new IllegalArgumentException("invalid --common-name '" + commonName + "': 1-64 letters, digits, '.', '_'"
          + " or '-', starting with a letter or digit");
    }
    EtcdCa ca = EtcdCa.read(source, text);
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    Instant caStart = ca.certificate().getNotBefore().toInstant();
    Instant caEnd = ca.certificate().getNotAfter().toInstant();
    if (!now.isBefore(caEnd)) {
      throw new IllegalArgumentException(source + ": the etcd CA (" + ca.origin() + ") expired at " + caEnd);
    }
    Instant notBefore = now.minus(BACKDATE).isBefore(caStart) ? caStart : now.minus(BACKDATE);
    Instant notAfter = now.plus(lifetime);
    if (notAfter.isAfter(caEnd)) {
      long days = Duration.between(now, caEnd).toDays();
      throw new IllegalArgumentException("invalid --validity '" + validity + "': the certificate would outlive the etcd"
          + " CA, which expires " + caEnd + (days > 0 ? "; use at most " + days + "d" : ""));
    }
    IssuedCertificate issued;
    try {
      issued = new ClientCertificateIssuer(random).issue(ca.certificate(), ca.key(),
          new X500Principal("CN=" + commonName + ",O=fipkeeper"), notBefore, notAfter);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(source + ": " + ca.origin() + ": " + e.getMessage(), e);
    }
    String summary = "issued CN=" + commonName + " valid until " + notAfter + " from the etcd CA in " + ca.source() + " ("
        + ca.origin() + ", " + ca.certificate().getSubjectX500Principal().getName() + ", expires " + caEnd
        + "); Secret " + namespace + "/" + secret.name();
    return new Result(secret.render(ca, issued), summary);
  }
}
