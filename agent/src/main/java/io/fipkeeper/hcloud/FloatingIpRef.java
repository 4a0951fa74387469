package io.fipkeeper.hcloud;

import java.util.Objects;

/** How the configuration names the floating IP: by id, by exact name, or by a label selector matching one. */
public sealed interface FloatingIpRef {

  static FloatingIpRef byId(long id) {
    return new Id(id);
  }

  static FloatingIpRef byName(String name) {
    return new Name(name);
  }

  static FloatingIpRef bySelector(String selector) {
    return new Selector(selector);
  }

  /** {@code floatingIp.id}. */
  record Id(long id) implements FloatingIpRef {
    public Id {
      if (id <= 0) {
        throw new IllegalArgumentException("floating ip id must be positive, got " + id);
      }
    }

    @Override
    public String toString() {
      return "id " + id;
    }
  }

  /** {@code floatingIp.name}. */
  record Name(String name) implements FloatingIpRef {
    public Name {
      Objects.requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("floating ip name must not be empty");
      }
    }

    @Override
    public String toString() {
      return "name \"" + name + "\"";
    }
  }

  /** {@code floatingIp.selector}; must match exactly one floating IP. */
  record Selector(String selector) implements FloatingIpRef {
    public Selector {
      Objects.requireNonNull(selector, "selector");
      if (selector.isBlank()) {
        throw new IllegalArgumentException("floating ip label selector must not be empty");
      }
    }

    @Override
    public String toString() {
      return "label selector \"" + selector + "\"";
    }
  }
}
