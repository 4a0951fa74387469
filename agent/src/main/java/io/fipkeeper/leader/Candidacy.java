package io.fipkeeper.leader;

/**
 * This agent's place in the election between terms: when it may campaign next, how often it recently failed to, and
 * which campaign waits for an answer.
 *
 * @param campaignFailures consecutive campaign failures (drives the campaign backoff)
 * @param campaignAtNanos earliest time of the next campaign (a sit-out after a given-up term pushes it out)
 * @param campaignIssuedNanos when the last Campaign was issued: a lower bound of a fresh lease's grant time
 * @param abandonedTerms consecutive terms given up because their takeover could not complete (drives the sit-out)
 * @param attempt the number of the last Campaign issued (0: none yet); the backend answers each campaign with its
 *     number, so an answer to an older one is told apart
 * @param answerDeadlineNanos when the last campaign is asked again unless answered: the watchdog of CAMPAIGNING
 *     (a queued answer re-arms it, so a waiting candidacy is re-checked every few TTLs); {@link Context#NEVER} when
 *     no campaign was ever issued
 */
public record Candidacy(int campaignFailures, long campaignAtNanos, long campaignIssuedNanos, int abandonedTerms,
    long attempt, long answerDeadlineNanos) {
  public Candidacy {
    if (campaignFailures < 0 || abandonedTerms < 0 || attempt < 0) {
      throw new IllegalStateException("counts must not be negative: campaignFailures=" + campaignFailures
          + " abandonedTerms=" + abandonedTerms + " attempt=" + attempt);
    }
  }

  static final Candidacy INITIAL = new Candidacy(0, Long.MIN_VALUE, Long.MIN_VALUE, 0, 0, Context.NEVER);

  /** A Campaign numbered {@code attempt + 1} was issued {@code now}; asked again at {@code answerByNanos}. */
  Candidacy issued(long now, long answerByNanos) {
    return new Candidacy(campaignFailures, campaignAtNanos, now, abandonedTerms, attempt + 1, answerByNanos);
  }

  /**
   * The campaign waiting for an answer is asked for again, as number {@code attempt + 1}. {@link
   * #campaignIssuedNanos} stays: the backend keeps the lease it granted for the first one, and that grant cannot be
   * later than the first campaign, only earlier than this one.
   */
  Candidacy askedAgain(long answerByNanos) {
    return new Candidacy(campaignFailures, campaignAtNanos, campaignIssuedNanos, abandonedTerms, attempt + 1,
        answerByNanos);
  }

  /**
   * The current campaign is queued behind the leader: re-check it at {@code nextCheckNanos}. etcd answered, so the
   * campaign worked and the failure count starts over: a later failure (the leader's node deleted with the member
   * this agent talks to) backs off from the first step, not from where an old etcd outage left it.
   */
  Candidacy queued(long nextCheckNanos) {
    return new Candidacy(0, campaignAtNanos, campaignIssuedNanos, abandonedTerms, attempt, nextCheckNanos);
  }

  Candidacy due(long atNanos) {
    return new Candidacy(campaignFailures, atNanos, campaignIssuedNanos, abandonedTerms, attempt,
        answerDeadlineNanos);
  }

  Candidacy failed(long retryAtNanos) {
    return new Candidacy(campaignFailures + 1, retryAtNanos, campaignIssuedNanos, abandonedTerms, attempt,
        answerDeadlineNanos);
  }

  /** A term was won: the campaign worked. */
  Candidacy won() {
    return new Candidacy(0, campaignAtNanos, campaignIssuedNanos, abandonedTerms, attempt, answerDeadlineNanos);
  }

  /** A won term was given up; sit out until {@code untilNanos}. */
  Candidacy abandoned(long untilNanos) {
    return new Candidacy(campaignFailures, untilNanos, campaignIssuedNanos, abandonedTerms + 1, attempt,
        answerDeadlineNanos);
  }

  /** A takeover completed: the next give-up starts the sit-out from the beginning. */
  Candidacy succeeded() {
    return new Candidacy(campaignFailures, campaignAtNanos, campaignIssuedNanos, 0, attempt, answerDeadlineNanos);
  }

  /** Whether {@code answered} is the number of the last campaign issued (older answers change nothing). */
  boolean current(long answered) {
    return answered == attempt;
  }
}
