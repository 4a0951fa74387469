package io.fipkeeper.config;

import java.util.Objects;

/** How the agent finds its floating IP at Hetzner: exactly one of id, name or label selector. */
public sealed interface FloatingIpRef {

  /** Safe to log: {@code id=42}, {@code name=k8s-api}, {@code selector=role=api}. */
  String describe();

  /** By numeric id (positive). */
  record Id(long id) implements FloatingIpRef {
    public Id {
      if (id <= 0) {
        throw new IllegalArgumentException("floating IP id must be positive, got " + id);
      }
    }

    @Override
    public String describe() {
      return "id=" + id;
    }
  }

  /** By its unique name (non-blank). */
  record Name(String name) implements FloatingIpRef {
    public Name {
      if (Objects.requireNonNull(name, "name").isBlank()) {
        throw new IllegalArgumentException("floating IP name must not be blank");
      }
    }

    @Override
    public String describe() {
      return "name=" + name;
    }
  }

  /** By a label selector that must match exactly one floating IP (checked by the client, not here). */
  record Selector(String labelSelector) implements FloatingIpRef {
    public Selector {
      if (Objects.requireNonNull(labelSelector, "labelSelector").isBlank()) {
        throw new IllegalArgumentException("floating IP selector must not be blank");
      }
    }

    @Override
    public String describe() {
      return "selector=" + labelSelector;
    }
  }
}
