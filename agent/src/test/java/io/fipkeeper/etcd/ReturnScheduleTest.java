package io.fipkeeper.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link ReturnSchedule}: when the client's member is checked and when the client moves back. */
class ReturnScheduleTest {

  private final ReturnSchedule schedule = new ReturnSchedule();

  /** Ticks until the next due check, the due one included. */
  private int ticksToNextCheck() {
    int n = 1;
    while (!schedule.tick()) {
      n++;
    }
    return n;
  }

  /** Due checks that find the preferred member healthy until the schedule says move; returns how many it took. */
  private int healthyChecksUntilMove() {
    for (int n = 1; n <= 1000; n++) {
      ticksToNextCheck();
      if (schedule.away(true)) {
        return n;
      }
    }
    throw new AssertionError("never moved");
  }

  @Test
  void checksEveryTickUntilHomeIsConfirmedThenEveryFifth() {
    assertThat(ticksToNextCheck()).isEqualTo(1);
    schedule.atHome();
    assertThat(ticksToNextCheck()).isEqualTo(4); // the fifth tick of the count
    assertThat(ticksToNextCheck()).isEqualTo(5);
    schedule.away(false);
    assertThat(ticksToNextCheck()).as("away: every tick").isEqualTo(1);
  }

  @Test
  void aFailedCheckAtHomeMakesEveryTickACheckUntilOneTellsAgain() {
    schedule.tick();
    schedule.atHome();
    assertThat(ticksToNextCheck()).isEqualTo(4);
    schedule.unknown();
    assertThat(ticksToNextCheck()).as("unsure: every tick").isEqualTo(1);
    assertThat(ticksToNextCheck()).isEqualTo(1);
    schedule.atHome();
    assertThat(ticksToNextCheck()).as("home again").isEqualTo(3); // the tenth tick of the count
    schedule.unknown();
    schedule.movedBack();
    assertThat(ticksToNextCheck()).as("rebuilt on the preferred member").isGreaterThan(1);
  }

  @Test
  void movesBackAfterThreeHealthyAnswersInARowAndAnUnhealthyOrUnknownOneStartsTheCountOver() {
    schedule.tick();
    assertThat(schedule.away(true)).isFalse();
    assertThat(schedule.away(true)).isFalse();
    assertThat(schedule.away(false)).as("unhealthy: start over").isFalse();
    assertThat(schedule.away(true)).isFalse();
    assertThat(schedule.away(true)).isFalse();
    schedule.unknown();
    assertThat(schedule.away(true)).isFalse();
    assertThat(schedule.away(true)).isFalse();
    assertThat(schedule.away(true)).as("three healthy in a row").isTrue();
    assertThat(schedule.away(true)).as("the count starts over after a move signal").isFalse();
  }

  @Test
  void aMemberThatFailsSoonAfterTheMoveBackIsTrustedOnlyAfterLongerAndLongerAndForgivenAfterTenQuietMinutes() {
    assertThat(healthyChecksUntilMove()).isEqualTo(ReturnSchedule.SETTLE);
    schedule.movedBack();
    ticksToNextCheck();
    schedule.atHome();
    ticksToNextCheck(); // 5 ticks after the move: away again, a flap
    assertThat(healthyChecksUntilMove()).isEqualTo(2 * ReturnSchedule.SETTLE);
    schedule.movedBack();
    ticksToNextCheck();
    assertThat(healthyChecksUntilMove()).as("flapping again").isEqualTo(4 * ReturnSchedule.SETTLE);
    for (int flap = 0; flap < 10; flap++) {
      schedule.movedBack();
      ticksToNextCheck();
      healthyChecksUntilMove();
    }
    assertThat(schedule.settle()).as("capped").isEqualTo(ReturnSchedule.MAX_SETTLE);

    schedule.movedBack();
    for (int i = 0; i < ReturnSchedule.FORGET_FLAPS + ReturnSchedule.HOME_CHECK_EVERY; i++) {
      if (schedule.tick()) {
        schedule.atHome();
      }
    }
    assertThat(schedule.settle()).as("ten quiet minutes at home").isEqualTo(ReturnSchedule.SETTLE);
  }

  @Test
  void leavingHomeLongAfterTheMoveBackIsNoFlap() {
    healthyChecksUntilMove();
    schedule.movedBack();
    for (int i = 0; i < ReturnSchedule.FLAP_WINDOW + ReturnSchedule.HOME_CHECK_EVERY; i++) {
      if (schedule.tick()) {
        schedule.atHome();
      }
    }
    assertThat(healthyChecksUntilMove()).isEqualTo(ReturnSchedule.SETTLE);
  }
}
