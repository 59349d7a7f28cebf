package org.texhash.trainer.hashing;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.texhash.trainer.nn.AtomicFiles;
import org.texhash.trainer.nn.CheckpointFolder;
import org.texhash.trainer.nn.CurveLog;

/**
 * A stage-2 run in a work folder, resumable after a kill.
 *
 * <pre>
 * WORK/losses.csv, WORK/losses.png     loss curves (total, objective term, quantisation)
 * WORK/checkpoints/step-NNNNNNNN/      network, Adam state, U/B/W, step (the last two are kept)
 * WORK/checkpoints/latest              name of the newest complete checkpoint
 * </pre>
 */
public final class HashTraining {
  public static final List<String> COLUMNS = List.of("total", "objective", "quantisation");

  private final Path work;
  private final PrintStream progress;
  private final DivergenceGuard guard;

  /** A run stopped by the default {@link DivergenceGuard}. */
  public HashTraining(Path work, PrintStream progress) {
    this(work, progress, DivergenceGuard.of(DivergenceGuard.DEFAULT_FACTOR));
  }

  public HashTraining(Path work, PrintStream progress, DivergenceGuard guard) {
    this.work = work;
    this.progress = progress;
    this.guard = guard;
  }

  /** Says which settings this leg runs with other than the checkpoint's. */
  private void reportScheduleChanges(HashOptions options, Path ckpt) throws IOException {
    Properties saved = AtomicFiles.readProperties(ckpt.resolve(HashTrainer.STATE_FILE));
    for (String change : options.scheduleChanges(saved)) {
      progress.println("texhash: this leg changes " + change);
    }
  }

  /** The newest complete checkpoint under {@code work}, or null. */
  public static Path latestCheckpoint(Path work) throws IOException {
    return new CheckpointFolder(work).latest(HashTrainer::isCheckpoint);
  }

  /**
   * Starts, or with {@code resume} continues from the latest checkpoint, until {@code
   * options.steps()}.
   */
  public HashTrainer run(HashOptions options, TrainingSlots slots, boolean resume)
      throws IOException {
    Files.createDirectories(work);
    Path ckpt = resume ? latestCheckpoint(work) : null;
    if (resume && ckpt == null) {
      progress.println("texhash: no checkpoint in " + work + ", starting a new run");
    }
    HashTrainer t =
        ckpt == null
            ? HashTrainer.create(options, slots)
            : HashTrainer.restore(ckpt, options, slots);
    if (ckpt != null) {
      reportScheduleChanges(options, ckpt);
    }
    long resumedAt = t.step();
    DivergenceGuard.TrainingDiverged replayed = null;
    boolean rolledBack = false;
    int replays = 0;
    while (true) {
      try {
        train(t, guard.fresh());
        return t;
      } catch (DivergenceGuard.TrainingDiverged e) {
        t.close();
        CheckpointFolder checkpoints = new CheckpointFolder(work);
        Path last = checkpoints.latest(HashTrainer::isCheckpoint);
        if (last == null) {
          throw e; // nothing to replay from
        }
        if (replayed != null && e.firstStep() > replayed.lastStep()) {
          // past the steps that diverged before: this is a new divergence, with replays of its own
          replays = 0;
          rolledBack = false;
        }
        Path from = last;
        if (e.sameSteps(replayed)) {
          // A blow-up that begins in the last steps of an interval can pass the guard and be
          // checkpointed; then it comes back from that checkpoint as well. It is the training
          // only if it also comes back from the checkpoint before (seen on vistex: a replay from
          // the older one went on at the level, docs/HASHING.md).
          Path earlier = rolledBack ? null : checkpoints.before(last, HashTrainer::isCheckpoint);
          if (earlier == null) {
            throw e.replayed(last.getFileName().toString(), e.firstStep() == resumedAt + 1);
          }
          progress.printf(
              Locale.ROOT,
              "texhash: the same steps diverged again from %s; replaying from %s in case %s"
                  + " already held the divergence%n",
              last.getFileName(),
              earlier.getFileName(),
              last.getFileName());
          checkpoints.rollBackTo(earlier);
          rolledBack = true;
          from = earlier;
        } else {
          if (replays == MAX_REPLAYS) {
            throw e;
          }
          // A replay repeats the run's steps exactly for tens of steps (not hundreds: last-digit
          // differences grow, docs/HASHING.md), so a divergence of the training comes back from
          // the checkpoint before it; one that does not was a fault or one trajectory's blow-up.
          progress.printf(
              Locale.ROOT,
              "texhash: %s%ntexhash: replaying from %s to tell a divergence of the training (it"
                  + " comes back) from a fault or one trajectory's blow-up (it does not)%n",
              e.getMessage(),
              last.getFileName());
        }
        replays++;
        replayed = e;
        t = HashTrainer.restore(from, options, slots);
      } catch (IOException | RuntimeException e) {
        t.close();
        throw e;
      }
    }
  }

  /**
   * Replays one divergence may take before the run stops, so a machine that keeps faulting at the
   * same steps stops; a later divergence has its own.
   */
  static final int MAX_REPLAYS = 3;

  /** The loss the guard judges at a step; a test stands a transient fault in with it. */
  @FunctionalInterface
  interface LossReading {
    double read(long step, double loss);
  }

  LossReading lossReading = (step, loss) -> loss;

  private void train(HashTrainer t, DivergenceGuard guard) throws IOException {
    HashOptions o = t.options();
    HashPreset p = o.preset();
    CurveLog log = CurveLog.open(work.resolve("losses.csv"), COLUMNS, t.step());
    rememberPastIntervals(log, p.checkpointEvery(), guard);
    progress.printf(
        Locale.ROOT,
        "hash %s on %s, %d bits, preset %s, attention %s, augmentation %s, %s %d x %d crops; %d"
            + " slots of %d classes (%d steps/epoch); %,d trainable params; step %d of %d%n",
        o.objective().id(),
        o.backbone().id(),
        o.bits(),
        p.name(),
        o.attention() ? "on" : "off",
        o.augmentation() ? "on" : "off",
        o.crops().id(),
        o.cropSize(),
        o.cropSize(),
        slots(t).size(),
        slots(t).classes(),
        slots(t).stepsPerEpoch(),
        trainableParameters(t),
        t.step(),
        o.steps());
    long windowStart = System.nanoTime();
    long windowSteps = 0;
    long segmentStart = System.nanoTime();
    double secondsAtStart = t.seconds();
    while (t.step() < o.steps()) {
      HashTrainer.StepLosses l = t.trainStep();
      if (!l.finite()) {
        throw new IllegalStateException("loss became non-finite at step " + t.step() + ": " + l);
      }
      long now = System.nanoTime();
      double seconds = secondsAtStart + (now - segmentStart) / 1e9;
      log.append(t.step(), seconds, l.total(), l.main(), l.quantisation());
      windowSteps++;
      long s = t.step();
      guard.add(s, lossReading.read(s, l.total()));
      if (s % p.logEvery() == 0 || s == o.steps()) {
        double rate = windowSteps / ((now - windowStart) / 1e9);
        progress.printf(
            Locale.ROOT,
            "step %d/%d  %s  %.3f steps/s  elapsed %s  eta %s%n",
            s,
            o.steps(),
            l,
            rate,
            hms(seconds),
            hms((o.steps() - s) / rate));
        windowStart = now;
        windowSteps = 0;
      }
      if (s % p.checkpointEvery() == 0 || s == o.steps()) {
        if (t.codes().updated()) {
          // B near coin flips against the network is how DSDH's collapse shows (docs/HASHING.md)
          progress.printf(
              Locale.ROOT,
              "step %d: DSDH's codes B agree with sign(U) on %.1f%% of bits%n",
              s,
              100 * t.codes().signAgreement());
        }
        guard.endInterval(s); // before the checkpoint: a diverged interval must not replace one
        t.addSeconds(seconds - t.seconds());
        checkpoint(t);
        log.writeChart(work.resolve("losses.png"), "stage 2: " + o.tag() + " (" + p.name() + ")");
      }
    }
  }

  /**
   * Gives the guard the interval means of the steps before a resume, so a run that blows up right
   * after one is judged against its past, not against its broken first interval.
   */
  private static void rememberPastIntervals(CurveLog log, int interval, DivergenceGuard guard) {
    int i = 0;
    while (i < log.size()) {
      long end = ((log.step(i) - 1) / interval + 1) * interval;
      double sum = 0;
      int n = 0;
      for (; i < log.size() && log.step(i) <= end; i++) {
        sum += log.value(i, 0);
        n++;
      }
      if (n >= guard.minInterval()) {
        guard.remember(sum / n);
      }
    }
  }

  private static TrainingSlots slots(HashTrainer t) {
    return t.slots();
  }

  private static long trainableParameters(HashTrainer t) {
    long n = 0;
    for (var p : t.network().getParameters()) {
      if (p.getValue().requiresGradient()) {
        n += p.getValue().getArray().size();
      }
    }
    return n;
  }

  private void checkpoint(HashTrainer t) throws IOException {
    new CheckpointFolder(work).save(t.step(), t::saveCheckpoint);
  }

  static String hms(double seconds) {
    if (!Double.isFinite(seconds)) {
      return "?";
    }
    long s = Math.round(seconds);
    return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
  }
}
