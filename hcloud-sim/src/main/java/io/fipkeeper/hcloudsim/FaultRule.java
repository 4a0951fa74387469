package io.fipkeeper.hcloudsim;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One injected fault: which {@link Fault}, on which {@link Endpoint}, for how long (the next {@code count} matching
 * requests, until an instant of the simulator clock, both, or until cleared), plus its parameters. Immutable.
 */
public final class FaultRule {
  /** Count value meaning "no count limit". */
  public static final int UNLIMITED = -1;

  private final Fault fault;
  private final Endpoint endpoint;
  private final int count;
  private final Instant until;
  private final Duration latency;
  private final Duration actionDuration;
  private final boolean plainBody;

  private FaultRule(Builder b) {
    this.fault = b.fault;
    this.endpoint = b.endpoint;
    this.count = b.count;
    this.until = b.until;
    this.latency = b.latency;
    this.actionDuration = b.actionDuration;
    this.plainBody = b.plainBody;
  }

  /** The next {@code count} requests to {@code endpoint} get {@code fault}. */
  public static FaultRule next(Fault fault, Endpoint endpoint, int count) {
    return builder(fault).endpoint(endpoint).count(count).build();
  }

  /** Every request to {@code endpoint} gets {@code fault} until {@code until} (simulator clock). */
  public static FaultRule until(Fault fault, Endpoint endpoint, Instant until) {
    return builder(fault).endpoint(endpoint).until(until).build();
  }

  /** Every request to {@code endpoint} gets {@code fault} until {@link HcloudSimulator#clearFaults()}. */
  public static FaultRule always(Fault fault, Endpoint endpoint) {
    return builder(fault).endpoint(endpoint).build();
  }

  public static Builder builder(Fault fault) {
    return new Builder(fault);
  }

  public Fault fault() {
    return fault;
  }

  public Endpoint endpoint() {
    return endpoint;
  }

  /** How many matching requests this rule applies to, or {@link #UNLIMITED}. */
  public int count() {
    return count;
  }

  /** End of the rule's time window (exclusive), or null for no window. */
  public Instant until() {
    return until;
  }

  /** Response delay for {@link Fault#SLOW_RESPONSE}. */
  public Duration latency() {
    return latency;
  }

  /** How long the action stays running for {@link Fault#SLOW_ACTION} and {@link Fault#ACTION_ERROR}; null = default. */
  public Duration actionDuration() {
    return actionDuration;
  }

  /** For 502/504: answer with a non-JSON HTML body, like a load balancer would. */
  public boolean plainBody() {
    return plainBody;
  }

  @Override
  public String toString() {
    return "FaultRule{" + fault + " on " + endpoint + (count == UNLIMITED ? "" : " x" + count)
        + (until == null ? "" : " until " + until) + "}";
  }

  /** Builder; {@link #build()} checks that the parameters fit the fault. */
  public static final class Builder {
    private final Fault fault;
    private Endpoint endpoint = Endpoint.ANY;
    private int count = UNLIMITED;
    private Instant until;
    private Duration latency;
    private Duration actionDuration;
    private boolean plainBody;

    private Builder(Fault fault) {
      this.fault = Objects.requireNonNull(fault, "fault");
    }

    public Builder endpoint(Endpoint endpoint) {
      this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
      return this;
    }

    public Builder count(int count) {
      if (count < 1) {
        throw new IllegalArgumentException("count must be >= 1, was " + count);
      }
      this.count = count;
      return this;
    }

    public Builder until(Instant until) {
      this.until = Objects.requireNonNull(until, "until");
      return this;
    }

    public Builder latency(Duration latency) {
      if (latency.isNegative()) {
        throw new IllegalArgumentException("latency must not be negative, was " + latency);
      }
      this.latency = latency;
      return this;
    }

    public Builder actionDuration(Duration actionDuration) {
      if (actionDuration.isNegative()) {
        throw new IllegalArgumentException("actionDuration must not be negative, was " + actionDuration);
      }
      this.actionDuration = actionDuration;
      return this;
    }

    public Builder plainBody(boolean plainBody) {
      this.plainBody = plainBody;
      return this;
    }

    public FaultRule build() {
      if (fault == Fault.SLOW_RESPONSE && latency == null) {
        throw new IllegalArgumentException("SLOW_RESPONSE needs latency");
      }
      if (fault == Fault.SLOW_ACTION && actionDuration == null) {
        throw new IllegalArgumentException("SLOW_ACTION needs actionDuration");
      }
      if (plainBody && fault != Fault.BAD_GATEWAY_502 && fault != Fault.TIMEOUT_504) {
        throw new IllegalArgumentException("plainBody applies to BAD_GATEWAY_502 and TIMEOUT_504 only, not " + fault);
      }
      return new FaultRule(this);
    }
  }
}
