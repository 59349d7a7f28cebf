package org.texhash.trainer.hashing;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DivergenceGuardTest {
  /** Feeds {@code steps} steps of {@code loss} from {@code step + 1} and ends the interval. */
  private static long interval(DivergenceGuard g, long step, int steps, double loss) {
    long end = feed(g, step, steps, loss);
    g.endInterval(end);
    return end;
  }

  /** Feeds {@code steps} steps of {@code loss} from {@code step + 1}; returns the last step. */
  private static long feed(DivergenceGuard g, long step, int steps, double loss) {
    for (int i = 1; i <= steps; i++) {
      g.add(step + i, loss);
    }
    return step + steps;
  }

  @Test
  void aFallingLossAndARiseBelowTheFactorPass() {
    DivergenceGuard g = DivergenceGuard.of(2);
    long step = 0;
    for (double loss : new double[] {9.0, 6.0, 4.0, 3.0, 3.2, 2.9}) {
      step = interval(g, step, 100, loss);
    }
    long at = step;
    // 1.48x the lowest: the largest rise of a healthy run measured (a change of crop size)
    assertDoesNotThrow(() -> interval(g, at, 100, 2.9 * 1.48));
  }

  @Test
  void aBlowUpStopsTheRunAndSaysWhereToResume() {
    DivergenceGuard g = DivergenceGuard.of(2);
    long step = 33_000;
    step = interval(g, step, 100, 2.9);
    long at = step;
    // the measured collapse: about 3 to about 11 within the interval
    DivergenceGuard.TrainingDiverged e =
        assertThrows(DivergenceGuard.TrainingDiverged.class, () -> interval(g, at, 100, 10.8));
    assertTrue(e.getMessage().contains("steps 33,101-33,200"), e.getMessage());
    assertTrue(e.getMessage().contains("after step 33,100"), e.getMessage());
    assertTrue(e.getMessage().contains("--learning-rate"), e.getMessage());
  }

  @Test
  void aBlowUpLateInAnIntervalIsStoppedBeforeItsCheckpoint() {
    DivergenceGuard g = DivergenceGuard.of(2);
    long step = interval(g, 1_700, 100, 0.78);
    // the measured TSN+DSDH run: level until step 1,855, then up to 3.8 by step 1,900; here 75
    // steps at the level and 25 at 3.8 make an interval mean of 1.5x, below the factor
    long end = feed(g, feed(g, step, 75, 0.78), 25, 3.8);
    DivergenceGuard.TrainingDiverged e =
        assertThrows(DivergenceGuard.TrainingDiverged.class, () -> g.endInterval(end));
    assertTrue(e.getMessage().contains("steps 1,876-1,900"), e.getMessage());
    assertTrue(e.getMessage().contains("after step 1,800"), e.getMessage());
    assertEquals(1_801, e.firstStep());
  }

  @Test
  void aNoisyLastQuarterBelowTheFactorPasses() {
    DivergenceGuard g = DivergenceGuard.of(2);
    long step = interval(g, 0, 100, 1.0);
    // 1.9x the lowest in the last quarter: judged, not stopped
    long end = feed(g, feed(g, step, 75, 0.9), 25, 1.9);
    assertDoesNotThrow(() -> g.endInterval(end));
  }

  @Test
  void onlyTheRecentIntervalsSetTheLevel() {
    DivergenceGuard g = DivergenceGuard.of(2);
    g.remember(1.0); // an annealed leg long ago
    for (int i = 0; i < DivergenceGuard.MEMORY; i++) {
      g.remember(2.4); // the recent level
    }
    // 2.5x the old low, 1.04x the recent level: a leg on harder crops, not a divergence
    assertDoesNotThrow(() -> interval(g, 0, 100, 2.5));
    DivergenceGuard fresh = DivergenceGuard.of(2);
    fresh.remember(1.0);
    // right after a resume, the past before it is the level
    assertThrows(DivergenceGuard.TrainingDiverged.class, () -> interval(fresh, 0, 100, 2.5));
  }

  @Test
  void shortIntervalsAreNotJudgedAndFactorZeroNeverStops() {
    DivergenceGuard g = DivergenceGuard.of(2);
    long step = interval(g, 0, 100, 3.0);
    long at = step;
    assertDoesNotThrow(() -> interval(g, at, DivergenceGuard.MIN_INTERVAL - 1, 30.0));
    DivergenceGuard off = DivergenceGuard.of(0);
    long s = interval(off, 0, 100, 3.0);
    assertDoesNotThrow(() -> interval(off, s, 100, 30.0));
  }

  @Test
  void aFactorOfOneOrLessIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> DivergenceGuard.of(1));
    assertThrows(IllegalArgumentException.class, () -> DivergenceGuard.of(-2));
    assertThrows(IllegalArgumentException.class, () -> DivergenceGuard.of(Double.NaN));
  }
}
