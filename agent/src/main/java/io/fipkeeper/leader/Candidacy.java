package io.fipkeeper.leader;

/**
 * This agent's place in the election between terms: when it may campaign next and how often it recently failed to.
 *
 * @param campaignFailures consecutive campaign failures (drives the campaign backoff)
 * @param campaignAtNanos earliest time of the next campaign (a sit-out after a given-up term pushes it out)
 * @param campaignIssuedNanos when the last Campaign was issued: a lower bound of a fresh lease's grant time
 * @param abandonedTerms consecutive terms given up because their takeover could not complete (drives the sit-out)
 */
public record Candidacy(int campaignFailures, long campaignAtNanos, long campaignIssuedNanos, int abandonedTerms) {
  public Candidacy {
    if (campaignFailures < 0 || abandonedTerms < 0) {
      throw new IllegalStateException("failure counts must not be negative: campaignFailures=" + campaignFailures
          + " abandonedTerms=" + abandonedTerms);
    }
  }

  static final Candidacy INITIAL = new Candidacy(0, Long.MIN_VALUE, Long.MIN_VALUE, 0);

  Candidacy issued(long now) {
    return new Candidacy(campaignFailures, campaignAtNanos, now, abandonedTerms);
  }

  Candidacy due(long atNanos) {
    return new Candidacy(campaignFailures, atNanos, campaignIssuedNanos, abandonedTerms);
  }

  Candidacy failed(long retryAtNanos) {
    return new Candidacy(campaignFailures + 1, retryAtNanos, campaignIssuedNanos, abandonedTerms);
  }

  /** A term was won: the campaign worked. */
  Candidacy won() {
    return new Candidacy(0, campaignAtNanos, campaignIssuedNanos, abandonedTerms);
  }

  /** A won term was given up; sit out until {@code untilNanos}. */
  Candidacy abandoned(long untilNanos) {
    return new Candidacy(campaignFailures, untilNanos, campaignIssuedNanos, abandonedTerms + 1);
  }

  /** A takeover completed: the next give-up starts the sit-out from the beginning. */
  Candidacy succeeded() {
    return new Candidacy(campaignFailures, campaignAtNanos, campaignIssuedNanos, 0);
  }
}
