package io.fipkeeper.deploy;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The agent's metric contract: the only fipkeeper_* names that alerts and dashboards may use. */
final class MetricNames {
  static final Set<String> AGENT = Set.of(
      "fipkeeper_leader",
      "fipkeeper_floating_ip_assigned_to_self",
      "fipkeeper_address_bound",
      "fipkeeper_state",
      "fipkeeper_leader_transitions_total",
      "fipkeeper_state_transitions_total",
      "fipkeeper_failover_duration_seconds",
      "fipkeeper_hcloud_requests_total",
      "fipkeeper_hcloud_ratelimit_remaining",
      "fipkeeper_hcloud_ratelimit_limit",
      "fipkeeper_etcd_keepalive_failures_total",
      "fipkeeper_apiserver_healthy",
      "fipkeeper_epoch",
      "fipkeeper_build_info",
      "fipkeeper_hcloud_credentials_rejected",
      "fipkeeper_takeovers_given_up_total",
      "fipkeeper_repairs_total",
      "fipkeeper_recovery_verifies_deferred_total",
      "fipkeeper_mode",
      "fipkeeper_observe_would_hold",
      "fipkeeper_observe_would_actions_total");

  /** Series a histogram exposes besides its base name. */
  private static final Set<String> HISTOGRAMS = Set.of("fipkeeper_failover_duration_seconds");

  private static final Pattern NAME = Pattern.compile("\\bfipkeeper_[a-z0-9_]+");

  private MetricNames() {}

  /** Every fipkeeper_* series name in a PromQL expression, histogram suffixes folded into the base name. */
  static Set<String> referencedIn(String promql) {
    Set<String> names = new TreeSet<>();
    Matcher m = NAME.matcher(promql);
    while (m.find()) {
      names.add(baseName(m.group()));
    }
    return names;
  }

  private static String baseName(String series) {
    for (String histogram : HISTOGRAMS) {
      for (String suffix : new String[] {"_bucket", "_sum", "_count"}) {
        if (series.equals(histogram + suffix)) {
          return histogram;
        }
      }
    }
    return series;
  }
}
