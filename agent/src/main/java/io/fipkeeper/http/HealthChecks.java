package io.fipkeeper.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A named list of checks behind {@code /healthz} or {@code /readyz}. Checks run on the HTTP thread at every request,
 * so each must be cheap and non-blocking (read a volatile, compare a timestamp). A check that throws counts as
 * failing; its reason names the exception, never a stack trace. Safe to add checks while requests run.
 */
public final class HealthChecks {
  private static final int MAX_REASON_CHARS = 200;

  private record Check(String name, Supplier<Optional<String>> problem) {}

  private final List<Check> checks = new CopyOnWriteArrayList<>();

  /** Adds a pass/fail check; when it returns false the failure reads {@code "<name>: failed"}. */
  public HealthChecks add(String name, BooleanSupplier passes) {
    Objects.requireNonNull(passes, "passes");
    return addProblem(name, () -> passes.getAsBoolean() ? Optional.empty() : Optional.of("failed"));
  }

  /**
   * Adds a check that describes its own problem: empty means healthy, a present value is the reason shown as
   * {@code "<name>: <reason>"}. The reason must be secret-free; it is shown to anyone who can reach the port.
   */
  public HealthChecks addProblem(String name, Supplier<Optional<String>> problem) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("health check name must not be blank");
    }
    checks.add(new Check(name, Objects.requireNonNull(problem, "problem")));
    return this;
  }

  /** Runs every check in the order added; returns one line per failing check, empty when all pass. */
  public List<String> failures() {
    List<String> failures = new ArrayList<>();
    for (Check check : checks) {
      String reason;
      try {
        Optional<String> problem = check.problem().get();
        reason = problem == null ? "check returned null" : problem.orElse(null);
      } catch (RuntimeException e) {
        reason = "check threw " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
      }
      if (reason != null) {
        failures.add(check.name() + ": " + oneLine(reason));
      }
    }
    return failures;
  }

  /** The names of the checks, in the order added. */
  public List<String> names() {
    return checks.stream().map(Check::name).toList();
  }

  private static String oneLine(String reason) {
    String flat = reason.replaceAll("\\s+", " ").strip();
    if (flat.isEmpty()) {
      flat = "failed";
    }
    return flat.length() <= MAX_REASON_CHARS ? flat : flat.substring(0, MAX_REASON_CHARS) + "...";
  }
}
