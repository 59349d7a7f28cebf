package org.texhash.indexer.eval;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import org.texhash.indexer.dataset.DatasetSplit;
import org.texhash.indexer.dataset.Manifest;
import org.texhash.indexer.dataset.PatchSampler;
import org.texhash.indexer.dataset.PatchSpec;
import org.texhash.indexer.encoder.Encoder;
import org.texhash.indexer.encoder.Encoders;
import org.texhash.indexer.encoder.classic.ItqEncoder;
import org.texhash.indexer.encoder.classic.LbpColorDescriptor;

/**
 * The encoders of an evaluation run, by the ids {@link Encoders#parse} reads. Besides what {@link
 * Encoders#open} opens, {@code itq-K} is fitted here on the manifest's training patches ({@link
 * Manifest#fitPatches()}) with the manifest's seed, over the same {@link LbpColorDescriptor} that
 * {@code lbp-lsh-K} hashes; {@code lbp-lsh-K} hashes the manifest's patch size.
 */
public final class EvalEncoders {
  private static final int BATCH = 256;

  private final DatasetSplit split;
  private final Manifest manifest;
  private final PrintStream progress;
  private double[][] fitDescriptors; // computed once, shared by every itq-K of the run
  private double fitDescriptorSeconds;

  /** Encoders for the patches of {@code manifest} over {@code split}; progress may be null. */
  public EvalEncoders(DatasetSplit split, Manifest manifest, PrintStream progress) {
    this.split = split;
    this.manifest = manifest;
    this.progress = progress;
  }

  /** An encoder and the time it took to fit (0 for fixed encoders). */
  public record Opened(Encoder encoder, double fitSeconds) {}

  /**
   * Opens (or fits) the encoder {@code id} for patches of the manifest's size. The fit time of an
   * ITQ encoder includes describing the training patches (done once per run and shared).
   */
  public Opened open(String id) throws IOException {
    Encoders.Spec spec = Encoders.parse(id);
    if (spec instanceof Encoders.Itq itq) {
      return fitItq(itq.bits());
    }
    if (spec instanceof Encoders.LbpLsh lsh) {
      return new Opened(lsh.open(manifest.patchSize()), 0); // hash the sampled size, no rescaling
    }
    return new Opened(Encoders.open(id), 0);
  }

  private Opened fitItq(int bits) {
    long start = System.nanoTime();
    int size = manifest.patchSize();
    if (size < LbpColorDescriptor.MIN_SIZE) {
      throw new IllegalArgumentException(
          "itq needs patches of at least "
              + LbpColorDescriptor.MIN_SIZE
              + " pixels, manifest has "
              + size);
    }
    if (fitDescriptors == null) {
      fitDescriptors = describeFitPatches(size);
      fitDescriptorSeconds = (System.nanoTime() - start) / 1e9;
      start = System.nanoTime();
    }
    double[][] x = fitDescriptors;
    if (progress != null) {
      progress.println(
          String.format(
              Locale.ROOT,
              "itq-%d: fitting on %d training patches (%d descriptor dims)",
              bits,
              x.length,
              x[0].length));
    }
    ItqEncoder encoder =
        ItqEncoder.fit(x, bits, size, manifest.seed(), LbpColorDescriptor::describe);
    double seconds = fitDescriptorSeconds + (System.nanoTime() - start) / 1e9;
    if (progress != null) {
      progress.println(
          String.format(
              Locale.ROOT,
              "itq-%d: fitted in %.1f s (%.1f s of it describing the patches)",
              bits,
              seconds,
              fitDescriptorSeconds));
    }
    return new Opened(encoder, seconds);
  }

  private double[][] describeFitPatches(int size) {
    List<PatchSpec> fit = manifest.fitPatches();
    double[][] x = new double[fit.size()][];
    for (int from = 0; from < fit.size(); from += BATCH) {
      int to = Math.min(fit.size(), from + BATCH);
      List<BufferedImage> pixels = PatchSampler.crop(split, fit.subList(from, to), size);
      for (int i = 0; i < pixels.size(); i++) {
        float[] d = LbpColorDescriptor.describe(pixels.get(i));
        double[] row = new double[d.length];
        for (int j = 0; j < d.length; j++) {
          row[j] = d[j];
        }
        x[from + i] = row;
      }
    }
    return x;
  }
}
