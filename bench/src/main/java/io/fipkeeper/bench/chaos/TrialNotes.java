package io.fipkeeper.bench.chaos;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What a scenario's injection noted during one trial, for the record and the {@link Expectation} rules: harness
 * findings, polled state changes, counts and measurements, and repairs the harness must make before the next trial
 * (only after the trial has been recorded, so the checker sees the defect). Written by the trial's thread only.
 */
final class TrialNotes {
  final List<String> findings = new ArrayList<>();
  final List<NodeEvent> polled = new ArrayList<>();
  /** Nodes whose log timestamps are not on the true clock (a stepped wall clock): their log events are dropped. */
  final List<String> skewedLogs = new ArrayList<>();
  /** Repairs for the next trial, run after this one is recorded. */
  final List<Runnable> repairs = new ArrayList<>();
  Long hcloudRequests;
  Long revokedTokenRequests;
  Double authFailures;
  final List<String> tokenLeaks = new ArrayList<>();
  String pausedNode;
  Instant pausedAt;
  /** etcd's floor in a partition: the cut until the majority saw the leader's key gone. */
  Double floorMs;
  /** The outage at the node's own service (port 9443) instead of the agent's port, when the scenario measures it. */
  Double serviceOutageMs;
  /** Whether the simulator held requests in this trial (their send time comes from its hold log). */
  boolean heldRequests;
  /** When the injection ended and the restore began. */
  Instant faultEnd;
}
