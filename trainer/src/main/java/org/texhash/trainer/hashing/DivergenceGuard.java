package org.texhash.trainer.hashing;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * Stops a run whose loss has blown up before its checkpoints are overwritten by a broken network.
 *
 * <p>The loss is averaged over each checkpoint interval; an interval whose mean is more than {@code
 * factor} times the lowest mean of the {@value #MEMORY} intervals before it is a divergence. Those
 * include the intervals before a resume ({@link #remember}), because a run may blow up right after
 * one. Measured on 32 x 32 cosine runs at learning rate 1e-3: twice the loss went from about 3 to
 * about 11 (chance level) within ten steps and never came back, 2.9x and 3.5x in the first
 * interval; in the healthy steps of the same runs no interval's mean exceeded 1.48x the lowest of
 * the ten before it, resumes onto other crops and crop sizes included (docs/HASHING.md). Only
 * recent intervals count because a leg on other crops has its own level.
 *
 * <p>The last quarter of each interval is judged the same way, because a blow-up late in an
 * interval barely moves the interval's mean: a TSN+DSDH run on vistex went from 0.77 to 3.8 between
 * steps 1,855 and 1,900, the interval mean reached 1.6x, and the broken network was checkpointed at
 * step 1,900 (its last 25 steps were 4.2x). In the healthy steps of 50 runs no quarter was more
 * than 0.15 above its interval's ratio.
 */
public final class DivergenceGuard {
  /** The command line's default factor. */
  public static final double DEFAULT_FACTOR = 2.0;

  /** How many past intervals the lowest mean is taken over. */
  static final int MEMORY = 10;

  /** Intervals shorter than this are too noisy to judge (the tiny preset's are 10 steps). */
  static final int MIN_INTERVAL = 50;

  private final double factor;
  private final int minInterval;
  private final Deque<Double> recent = new ArrayDeque<>();
  private final List<Double> losses = new ArrayList<>();
  private long firstStep = -1;

  /**
   * @param factor how many times the lowest recent interval mean an interval's mean may reach; 0
   *     never stops a run
   * @param minInterval intervals of fewer steps are neither judged nor remembered
   */
  DivergenceGuard(double factor, int minInterval) {
    if (!(factor == 0 || factor > 1)) {
      throw new IllegalArgumentException(
          "the divergence factor must be above 1, or 0 to never stop, got " + factor);
    }
    this.factor = factor;
    this.minInterval = minInterval;
  }

  /** Stops when an interval's mean loss exceeds {@code factor} times the lowest; 0: never. */
  public static DivergenceGuard of(double factor) {
    return new DivergenceGuard(factor, MIN_INTERVAL);
  }

  /** A guard of the same settings with nothing remembered, for a run replayed from a checkpoint. */
  DivergenceGuard fresh() {
    return new DivergenceGuard(factor, minInterval);
  }

  /** The least number of steps of an interval that is judged. */
  int minInterval() {
    return minInterval;
  }

  /** Counts the loss of step {@code step} into the current interval. */
  void add(long step, double loss) {
    if (losses.isEmpty()) {
      firstStep = step;
    }
    losses.add(loss);
  }

  /**
   * Ends the interval at {@code step}: throws if it diverged, so the caller saves no checkpoint of
   * it and the last one kept is from before the divergence.
   */
  void endInterval(long step) {
    int count = losses.size();
    if (count < minInterval) {
      losses.clear();
      return;
    }
    double mean = mean(0, count);
    int tail = count / 4;
    double tailMean = mean(count - tail, count);
    long first = firstStep;
    losses.clear();
    double lowest = recent.isEmpty() ? Double.POSITIVE_INFINITY : Collections.min(recent);
    if (factor > 0 && mean > factor * lowest) {
      throw diverged(first, first, step, mean, lowest);
    }
    if (factor > 0 && tailMean > factor * lowest) {
      throw diverged(first, step - tail + 1, step, tailMean, lowest);
    }
    remember(mean);
  }

  private double mean(int from, int to) {
    double sum = 0;
    for (int i = from; i < to; i++) {
      sum += losses.get(i);
    }
    return sum / (to - from);
  }

  /**
   * The stop of the interval from {@code intervalFirst}, whose steps {@code from}-{@code to}
   * averaged {@code mean}.
   */
  private TrainingDiverged diverged(
      long intervalFirst, long from, long to, double mean, double lowest) {
    return new TrainingDiverged(
        intervalFirst,
        to,
        String.format(
            Locale.ROOT,
            "training diverged: the mean loss of steps %,d-%,d is %.3f, %.1fx the lowest of"
                + " the %d intervals before (%.3f). No checkpoint was saved after step %,d;"
                + " --resume continues from the last one, best with a lower --learning-rate"
                + " (e.g. half); --divergence-factor 0 trains on regardless.",
            from,
            to,
            mean,
            mean / lowest,
            recent.size(),
            lowest,
            intervalFirst - 1));
  }

  /** Takes {@code mean} as the latest interval's mean without judging it (a resumed run's past). */
  void remember(double mean) {
    recent.addLast(mean);
    if (recent.size() > MEMORY) {
      recent.removeFirst();
    }
  }

  /** A run stopped by the guard; its message says what happened and what to do. */
  public static final class TrainingDiverged extends RuntimeException {
    private final long firstStep;
    private final long lastStep;

    TrainingDiverged(long firstStep, long lastStep, String message) {
      super(message);
      this.firstStep = firstStep;
      this.lastStep = lastStep;
    }

    /** The first step of the diverged interval. */
    long firstStep() {
      return firstStep;
    }

    /** The last step of the diverged interval. */
    long lastStep() {
      return lastStep;
    }

    /** Whether {@code other} stopped the same steps. */
    boolean sameSteps(TrainingDiverged other) {
      return other != null && other.firstStep == firstStep && other.lastStep == lastStep;
    }

    /**
     * This divergence, come back when the steps were replayed from the checkpoint before them.
     *
     * @param firstOfLeg whether the steps are the first interval after a resume, whose loss may
     *     have another level than the steps before it (other crops, another rate)
     */
    TrainingDiverged replayed(String checkpoint, boolean firstOfLeg) {
      String hint =
          firstOfLeg
              ? " These are the first steps after the resume: if they train on other crops or at"
                  + " a higher rate than the steps before, the jump may be the new leg's level (a"
                  + " views leg at 1e-3 after an annealed 64 x 64 leg measured 2.0-2.1x); then"
                  + " run this leg with a higher --divergence-factor (e.g. 3)."
              : "";
      return new TrainingDiverged(
          firstStep,
          lastStep,
          "replayed from "
              + checkpoint
              + ", the same steps diverged again, so it is the training, not a fault of the"
              + " machine: "
              + getMessage()
              + hint);
    }
  }
}
