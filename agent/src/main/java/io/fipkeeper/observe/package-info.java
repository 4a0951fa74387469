/**
 * Observe mode: the agent runs its election and its state machine unchanged, but against would-be ports that never
 * change the world. {@link io.fipkeeper.observe.ObservingTakeover} reads Hetzner at the normal rates and never sends
 * an assign; {@link io.fipkeeper.observe.ObservingBinder} reads the kernel and never adds or removes an address. What
 * the machine believes it did lives in a would-be world ({@link io.fipkeeper.observe.ShadowRouting} and the binder's
 * would-be address set) that is consistent with its own decisions, so its reconcile rules never spin against another
 * controller's real state; what it would have done, and what the real world showed, go to
 * {@link io.fipkeeper.observe.ObserveReport} ({@code /status}, metrics, log). docs/design.md, "Observe mode".
 */
package io.fipkeeper.observe;
