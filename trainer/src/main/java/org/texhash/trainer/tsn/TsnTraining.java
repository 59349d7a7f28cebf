package org.texhash.trainer.tsn;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.texhash.trainer.nn.CheckpointFolder;
import org.texhash.trainer.nn.Chw;

/**
 * A TSN training run in an output folder, resumable after a kill.
 *
 * <pre>
 * OUT/tsn.properties, OUT/generator.params   the latest G (what {@code texhash synth --tsn OUT} loads)
 * OUT/losses.csv, OUT/losses.png             loss curves
 * OUT/samples/step-NNNNNNNN.png              input / output / ground truth rows
 * OUT/checkpoints/step-NNNNNNNN/             G, D, Adam states, step (the last two are kept)
 * OUT/checkpoints/latest                     name of the newest complete checkpoint
 * </pre>
 */
public final class TsnTraining {
  private final Path out;
  private final PrintStream progress;
  private final StyleNetwork.Opener styleFiles;

  /** A run whose style file, if any, must be TorchScript. */
  public TsnTraining(Path out, PrintStream progress) {
    this(out, progress, TorchScriptStyleNetwork::load);
  }

  /** A run whose style file, if any, {@code styleFiles} opens. */
  public TsnTraining(Path out, PrintStream progress, StyleNetwork.Opener styleFiles) {
    this.out = out;
    this.progress = progress;
    this.styleFiles = styleFiles;
  }

  /** The newest complete checkpoint under {@code out}, or null. */
  public static Path latestCheckpoint(Path out) throws IOException {
    return new CheckpointFolder(out).latest(TsnTrainer::isCheckpoint);
  }

  /**
   * Starts (or, with {@code resume}, continues from the latest checkpoint) the run described by
   * {@code options}, training until {@code options.steps()} steps are done.
   *
   * @param preview a fixed batch drawn into the sample grids (held-out regions, ideally)
   */
  public TsnTrainer run(
      TsnTrainingOptions options,
      TexturePairSampler sampler,
      TexturePairSampler.Batch preview,
      boolean resume)
      throws IOException {
    Files.createDirectories(out);
    Path ckpt = resume ? latestCheckpoint(out) : null;
    if (resume && ckpt == null) {
      progress.println("texhash: no checkpoint in " + out + ", starting a new run");
    }
    TsnTrainer t =
        ckpt == null
            ? TsnTrainer.create(options, styleFiles)
            : TsnTrainer.restore(ckpt, options, styleFiles);
    try {
      train(t, sampler, preview);
      return t;
    } catch (IOException | RuntimeException e) {
      t.close();
      throw e;
    }
  }

  private void train(TsnTrainer t, TexturePairSampler sampler, TexturePairSampler.Batch preview)
      throws IOException {
    TsnTrainingOptions o = t.options();
    TsnPreset p = o.preset();
    LossLog log = LossLog.open(out.resolve("losses.csv"), t.step());
    progress.printf(
        Locale.ROOT,
        "TSN %s, style %s, crop %s, %d regions; G %,d params, D %,d params; step %d of %d%n",
        p,
        t.style().id(),
        o.crop().name().toLowerCase(Locale.ROOT),
        sampler.regionCount(),
        TsnModel.parameterCount(t.model().generator()),
        TsnModel.parameterCount(t.model().discriminator()),
        t.step(),
        o.steps());
    long windowStart = System.nanoTime();
    long windowSteps = 0;
    long segmentStart = System.nanoTime();
    double secondsAtStart = t.seconds();
    while (t.step() < o.steps()) {
      StepLosses l = t.trainStep(sampler.batch(t.step()));
      if (!l.finite()) {
        throw new IllegalStateException("loss became non-finite at step " + t.step() + ": " + l);
      }
      long now = System.nanoTime();
      double seconds = secondsAtStart + (now - segmentStart) / 1e9;
      log.append(t.step(), seconds, l);
      windowSteps++;
      long s = t.step();
      if (s % p.logEvery() == 0 || s == o.steps()) {
        double rate = windowSteps / ((now - windowStart) / 1e9);
        double eta = (o.steps() - s) / rate;
        progress.printf(
            Locale.ROOT,
            "step %d/%d  %s  %.3f steps/s  elapsed %s  eta %s%n",
            s,
            o.steps(),
            l,
            rate,
            hms(seconds),
            hms(eta));
        windowStart = now;
        windowSteps = 0;
      }
      if (preview != null && (s % p.sampleEvery() == 0 || s == o.steps())) {
        writeSamples(
            t,
            preview,
            out.resolve("samples").resolve(String.format(Locale.ROOT, "step-%08d.png", s)));
      }
      if (s % p.checkpointEvery() == 0 || s == o.steps()) {
        t.addSeconds(seconds - t.seconds());
        checkpoint(t);
        log.writeChart(
            out.resolve("losses.png"), "TSN " + p.name() + " (" + t.style().id() + ")", o);
      }
    }
  }

  private void checkpoint(TsnTrainer t) throws IOException {
    new CheckpointFolder(out).save(t.step(), t::saveCheckpoint);
    t.model().saveGenerator(out);
  }

  /** Rows of input (centred on a 2S cell), G's output and the ground truth. */
  static void writeSamples(TsnTrainer t, TexturePairSampler.Batch preview, Path png)
      throws IOException {
    List<List<Chw>> rows = new ArrayList<>();
    for (int i = 0; i < preview.size(); i++) {
      Chw input = preview.input(i);
      rows.add(List.of(input, t.model().expand(input), preview.target(i)));
    }
    SampleGrid.write(rows, 2 * preview.patchSize(), png);
  }

  static String hms(double seconds) {
    if (!Double.isFinite(seconds)) {
      return "?";
    }
    long s = Math.round(seconds);
    return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
  }
}
