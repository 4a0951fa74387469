package io.fipkeeper.hcloudsim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The API tokens the simulator accepts, each under a label: tokens can be added and revoked while it runs, so a
 * test can rotate a project token the way an operator does in the Hetzner console (add the new one, roll it out,
 * revoke the old one). A revoked token is answered 401 like an unknown one, but requests that carry it are still
 * attributed to its label, so a test can count who kept using it. With no token registered at all, any non-empty
 * Bearer token is accepted (label {@code any}). Values never leave this class. Thread-safe.
 */
final class TokenRegistry {
  /** A registered token's label and whether it is revoked. */
  record Match(String label, boolean revoked) {}

  /** What {@link #list()} shows of one token: never its value. */
  record Entry(String label, boolean revoked) {}

  private final Map<String, String> labelByValue = new LinkedHashMap<>();
  private final Map<String, Boolean> revokedByLabel = new LinkedHashMap<>();

  /** Registers {@code value} under {@code label}; a label or value may be registered once. */
  synchronized void add(String label, String value) {
    Objects.requireNonNull(label, "label");
    if (label.isBlank()) {
      throw new IllegalArgumentException("token label must not be blank");
    }
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("token value for label '" + label + "' must not be blank");
    }
    if (revokedByLabel.containsKey(label)) {
      throw new IllegalArgumentException("token label '" + label + "' is already registered");
    }
    if (labelByValue.containsKey(value.strip())) {
      throw new IllegalArgumentException("token for label '" + label + "' is already registered");
    }
    labelByValue.put(value.strip(), label);
    revokedByLabel.put(label, false);
  }

  /** Revokes ({@code true}) or reinstates ({@code false}) the token with this label. */
  synchronized void setRevoked(String label, boolean revoked) {
    if (!revokedByLabel.containsKey(label)) {
      throw new IllegalArgumentException("no token with label '" + label + "'; known: " + revokedByLabel.keySet());
    }
    revokedByLabel.put(label, revoked);
  }

  /** The token in a {@code Bearer} Authorization header, or null when none or an unknown one was sent. */
  synchronized Match match(String authorizationHeader) {
    if (authorizationHeader == null || !authorizationHeader.startsWith("Bearer ")) {
      return null;
    }
    String token = authorizationHeader.substring("Bearer ".length()).trim();
    if (token.isEmpty()) {
      return null;
    }
    if (labelByValue.isEmpty()) {
      return new Match("any", false);
    }
    String label = labelByValue.get(token);
    return label == null ? null : new Match(label, revokedByLabel.get(label));
  }

  synchronized List<Entry> list() {
    List<Entry> out = new ArrayList<>();
    revokedByLabel.forEach((label, revoked) -> out.add(new Entry(label, revoked)));
    return out;
  }
}
