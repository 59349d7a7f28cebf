package org.texhash.trainer.hashing;

import java.util.Locale;

/**
 * Stops a run whose loss has blown up before its checkpoints are overwritten by a broken network.
 *
 * <p>The loss is averaged over each checkpoint interval; an interval whose mean is more than {@code
 * factor} times the lowest interval mean of this process is a divergence. Measured once on a 32 x
 * 32 cosine run at learning rate 1e-3: at step 33,136 the loss went from about 3 to about 11 within
 * ten steps (chance level) and never came back, while the interval means of healthy runs moved by
 * at most 1.46x, at the change from 64 x 64 to 32 x 32 crops on resume (docs/HASHING.md). The
 * lowest mean is kept per process because a resumed leg may train on other crops, whose loss is
 * another level.
 */
public final class DivergenceGuard {
  /** The command line's default factor. */
  public static final double DEFAULT_FACTOR = 2.0;

  /** Intervals shorter than this are too noisy to judge (the tiny preset's are 10 steps). */
  static final int MIN_INTERVAL = 50;

  private final double factor;
  private final int minInterval;
  private double sum;
  private int count;
  private long firstStep = -1;
  private double lowest;

  /**
   * @param factor how many times the lowest interval mean an interval's mean may reach; 0 never
   *     stops a run
   * @param minInterval intervals of fewer steps are not judged
   * @param lowest the lowest interval mean so far (infinity: none yet)
   */
  DivergenceGuard(double factor, int minInterval, double lowest) {
    if (!(factor == 0 || factor > 1)) {
      throw new IllegalArgumentException(
          "the divergence factor must be above 1, or 0 to never stop, got " + factor);
    }
    this.factor = factor;
    this.minInterval = minInterval;
    this.lowest = lowest;
  }

  /** Stops when an interval's mean loss exceeds {@code factor} times the lowest; 0: never. */
  public static DivergenceGuard of(double factor) {
    return new DivergenceGuard(factor, MIN_INTERVAL, Double.POSITIVE_INFINITY);
  }

  /** Counts the loss of step {@code step} into the current interval. */
  void add(long step, double loss) {
    if (count == 0) {
      firstStep = step;
    }
    sum += loss;
    count++;
  }

  /**
   * Ends the interval at {@code step}: throws if it diverged, so the caller saves no checkpoint of
   * it and the last one kept is from before the divergence.
   */
  void endInterval(long step) {
    if (count == 0) {
      return;
    }
    double mean = sum / count;
    long first = firstStep;
    boolean judged = count >= minInterval;
    sum = 0;
    count = 0;
    if (!judged) {
      return;
    }
    if (factor > 0 && mean > factor * lowest) {
      throw new TrainingDiverged(
          String.format(
              Locale.ROOT,
              "training diverged: the mean loss of steps %,d-%,d is %.3f, %.1fx the lowest"
                  + " interval mean of this run (%.3f). No checkpoint was saved after step %,d;"
                  + " --resume continues from the last one, best with a lower --learning-rate"
                  + " (e.g. half); --divergence-factor 0 trains on regardless.",
              first,
              step,
              mean,
              mean / lowest,
              lowest,
              first - 1));
    }
    lowest = Math.min(lowest, mean);
  }

  /** A run stopped by the guard; its message says what happened and what to do. */
  public static final class TrainingDiverged extends RuntimeException {
    TrainingDiverged(String message) {
      super(message);
    }
  }
}
