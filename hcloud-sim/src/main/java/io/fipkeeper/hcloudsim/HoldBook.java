package io.fipkeeper.hcloudsim;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * Requests held in transit: a matching request is neither executed nor answered until its hold time has passed,
 * then it runs as if it had just arrived. That is what a request sent just before its sender froze (SIGSTOP, a VM
 * pause) or stuck in a slow network looks like to Hetzner, and unlike {@link Fault#SLOW_RESPONSE} (executed at once,
 * answered late) it lets a stale assign land <em>after</em> a newer one. Rules match an endpoint and, for assigns, the
 * target server, and are used up after {@code count} requests. Every held request is logged with its arrival and
 * release time (and, once answered, its status and action id) so a test can tell when it was sent. Hold times are
 * real time (the HTTP server's timer), not the simulator clock. Thread-safe.
 */
final class HoldBook {
  /** One rule: hold the next {@code count} requests to {@code endpoint} (for {@code server}, when set). */
  record Rule(Endpoint endpoint, Long server, int count, Duration hold) {
    Rule {
      Objects.requireNonNull(endpoint, "endpoint");
      if (count < 1) {
        throw new IllegalArgumentException("count must be >= 1, was " + count);
      }
      if (hold == null || hold.isNegative() || hold.isZero()) {
        throw new IllegalArgumentException("hold must be positive, was " + hold);
      }
    }
  }

  /** A held request: when it arrived and when it is (or was) let through; status 0 until it has been answered. */
  record Held(long id, String method, String path, Long server, Instant arrived, Instant released, int status,
      Long actionId) {}

  private final SimClock clock;
  private final List<Rule> rules = new ArrayList<>();
  private final List<Integer> remaining = new ArrayList<>();
  private final List<Held> log = new ArrayList<>();
  private long nextId = 1;

  HoldBook(SimClock clock) {
    this.clock = clock;
  }

  synchronized void add(Rule rule) {
    rules.add(rule);
    remaining.add(rule.count());
  }

  synchronized void clear() {
    rules.clear();
    remaining.clear();
  }

  /**
   * Whether {@code req} (already routed to {@code endpoint}) is to be held: returns its log entry, or null. Uses up
   * one request of the first matching rule.
   */
  synchronized Held take(SimRequest req, Endpoint endpoint) {
    Long server = endpoint == Endpoint.ASSIGN ? assignTarget(req.body()) : null;
    Iterator<Rule> it = rules.iterator();
    for (int i = 0; it.hasNext(); i++) {
      Rule r = it.next();
      if (!r.endpoint().matches(endpoint) || (r.server() != null && !r.server().equals(server))) {
        continue;
      }
      int left = remaining.get(i) - 1;
      if (left == 0) {
        it.remove();
        remaining.remove(i);
      } else {
        remaining.set(i, left);
      }
      Instant now = clock.now();
      Held h = new Held(nextId++, req.method(), req.path(), server, now, now.plus(r.hold()), 0, null);
      log.add(h);
      return h;
    }
    return null;
  }

  /** Records the answer a held request finally got. */
  synchronized void answered(Held held, int status, Long actionId) {
    for (int i = 0; i < log.size(); i++) {
      if (log.get(i).id() == held.id()) {
        log.set(i, new Held(held.id(), held.method(), held.path(), held.server(), held.arrived(), held.released(),
            status, actionId));
        return;
      }
    }
  }

  /** Every held request so far, oldest first. */
  synchronized List<Held> log() {
    return List.copyOf(log);
  }

  /** How many held requests have not been answered yet. */
  synchronized int holding() {
    return (int) log.stream().filter(h -> h.status() == 0).count();
  }

  private static Long assignTarget(String body) {
    try {
      JsonNode b = ApiJson.MAPPER.readTree(body);
      return b != null && b.path("server").isIntegralNumber() ? b.get("server").asLong() : null;
    } catch (Exception e) {
      return null;
    }
  }
}
