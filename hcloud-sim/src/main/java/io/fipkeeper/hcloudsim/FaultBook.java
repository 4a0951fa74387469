package io.fipkeeper.hcloudsim;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Active fault rules in injection order. The first rule that matches a request wins and, if counted, is used up by
 * it; expired and used-up rules are dropped. Guarded by SimState's lock.
 */
final class FaultBook {
  private static final class Active {
    final FaultRule rule;
    int remaining;

    Active(FaultRule rule) {
      this.rule = rule;
      this.remaining = rule.count();
    }
  }

  private final List<Active> rules = new ArrayList<>();

  void add(FaultRule rule) {
    rules.add(new Active(rule));
  }

  void clear() {
    rules.clear();
  }

  /**
   * The rule to apply to a request on {@code endpoint}, or null. Action-shaping faults (ACTION_ERROR, SLOW_ACTION)
   * only match requests that create actions, so an ANY rule is not used up by a GET.
   */
  FaultRule take(Endpoint endpoint, Instant now) {
    boolean createsAction = endpoint == Endpoint.ASSIGN || endpoint == Endpoint.UNASSIGN;
    for (Iterator<Active> it = rules.iterator(); it.hasNext(); ) {
      Active a = it.next();
      if (a.rule.until() != null && !now.isBefore(a.rule.until())) {
        it.remove();
        continue;
      }
      if (!a.rule.endpoint().matches(endpoint) || (a.rule.fault().shapesAction() && !createsAction)) {
        continue;
      }
      if (a.remaining != FaultRule.UNLIMITED && --a.remaining == 0) {
        it.remove();
      }
      return a.rule;
    }
    return null;
  }

  int size() {
    return rules.size();
  }
}
