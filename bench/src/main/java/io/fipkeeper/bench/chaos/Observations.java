package io.fipkeeper.bench.chaos;

import java.time.Instant;
import java.util.List;

/**
 * What the harness measured in one trial beyond the common {@link TrialRecord}, for the {@link Expectation} rules.
 *
 * @param leaderBefore the settled leader when the trial began
 * @param outageMs how long the outside client got no answer during the fault (null: not measured)
 * @param hcloudRequests Hetzner API requests (metadata excluded) during the fault window (null: not counted)
 * @param revokedTokenRequests requests that carried a token after the trial revoked it (null: not counted)
 * @param authFailures the auth-failure metric summed over the agents (null: no agent exports it)
 * @param tokenLeaks where a token value was found (log, /status, /metrics), one line each
 * @param pausedNode the node frozen by a pause trial (null otherwise)
 * @param pausedAt when it was frozen
 * @param faultEnd when the injection ended and the harness began to restore the testbed (null: the trial's end)
 */
public record Observations(
    String leaderBefore,
    Double outageMs,
    Long hcloudRequests,
    Long revokedTokenRequests,
    Double authFailures,
    List<String> tokenLeaks,
    String pausedNode,
    Instant pausedAt,
    Instant faultEnd) {

  public Observations {
    tokenLeaks = List.copyOf(tokenLeaks);
  }

  public static Observations of(String leaderBefore, Double outageMs) {
    return new Observations(leaderBefore, outageMs, null, null, null, List.of(), null, null, null);
  }
}
