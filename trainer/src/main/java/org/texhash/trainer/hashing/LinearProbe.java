package org.texhash.trainer.hashing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.texhash.indexer.dataset.LabeledImage;
import org.texhash.indexer.image.Images;
import org.texhash.trainer.nn.Chw;

/**
 * How much texture information a backbone's taps hold before any hashing is learned: a ridge
 * classifier on the mean and standard deviation of every tap channel (first- and second-order
 * statistics, what texture descriptors are built on), fitted on patches of the training regions and
 * scored on patches of the query regions. Comparing G's taps with a plain CNN's of the same shape
 * and random weights says whether texture synthesis taught G features worth hashing.
 */
public final class LinearProbe {
  private static final int BATCH = 64;

  /** The probe's outcome; accuracies are the share of patches whose class is ranked first. */
  public record Result(
      int features, int trainPatches, int testPatches, double trainAccuracy, double testAccuracy) {}

  private final Backbone backbone;
  private final ParameterStore store;
  private final NDManager manager;
  private final double ridge;

  /**
   * @param ridge lambda of the ridge regression, relative to the number of training patches (the
   *     features are standardised, so one value suits every backbone)
   */
  public LinearProbe(Backbone backbone, ParameterStore store, NDManager manager, double ridge) {
    this.backbone = backbone;
    this.store = store;
    this.manager = manager;
    this.ridge = ridge;
  }

  /**
   * Fits on {@code perTrain} random patches of each training region, scores {@code perTest} of each
   * test region.
   */
  public Result run(
      List<LabeledImage> train,
      List<LabeledImage> test,
      int classes,
      int perTrain,
      int perTest,
      long seed) {
    Random rnd = new Random(seed);
    Sample fit = sample(train, perTrain, rnd);
    Sample score = sample(test, perTest, rnd);
    float[][] x = features(fit.patches);
    float[][] t = features(score.patches);
    standardise(x, t);
    int d = x[0].length;
    double[] a = new double[d * d];
    double[] r = new double[d * classes];
    for (int i = 0; i < x.length; i++) {
      float[] row = x[i];
      for (int p = 0; p < d; p++) {
        r[p * classes + fit.labels[i]] += row[p];
        for (int q = p; q < d; q++) {
          a[p * d + q] += row[p] * row[q];
        }
      }
    }
    for (int p = 0; p < d; p++) {
      a[p * d + p] += ridge * x.length;
      for (int q = 0; q < p; q++) {
        a[p * d + q] = a[q * d + p];
      }
    }
    double[] w = DiscreteCodes.Cholesky.solve(a, d, r, classes);
    return new Result(
        d,
        x.length,
        t.length,
        accuracy(x, fit.labels, w, classes),
        accuracy(t, score.labels, w, classes));
  }

  private record Sample(List<Chw> patches, int[] labels) {}

  private Sample sample(List<LabeledImage> regions, int per, Random rnd) {
    int s = backbone.patchSize();
    List<Chw> patches = new ArrayList<>();
    int[] labels = new int[regions.size() * per];
    for (LabeledImage region : regions) {
      BufferedImage img = region.image();
      for (int i = 0; i < per; i++) {
        labels[patches.size()] = region.label();
        patches.add(
            Chw.of(
                Images.crop(
                    img,
                    rnd.nextInt(img.getWidth() - s + 1),
                    rnd.nextInt(img.getHeight() - s + 1),
                    s)));
      }
    }
    return new Sample(patches, labels);
  }

  /** Per tap channel: mean and standard deviation over the map, in inference mode. */
  private float[][] features(List<Chw> patches) {
    int s = backbone.patchSize();
    int plane = 3 * s * s;
    float[][] out = new float[patches.size()][];
    for (int from = 0; from < patches.size(); from += BATCH) {
      int n = Math.min(BATCH, patches.size() - from);
      float[] x = new float[n * plane];
      for (int i = 0; i < n; i++) {
        System.arraycopy(patches.get(from + i).data(), 0, x, i * plane, plane);
      }
      try (NDManager scope = manager.newSubManager()) {
        List<float[]> parts = new ArrayList<>();
        for (NDArray tap : backbone.taps(store, scope.create(x, new Shape(n, 3, s, s)), false)) {
          NDArray flat = tap.reshape(n, tap.getShape().get(1), -1); // PyTorch's mean takes one axis
          NDArray mean = flat.mean(new int[] {2});
          NDArray std =
              flat.square().mean(new int[] {2}).sub(mean.square()).maximum(0f).add(1e-8f).sqrt();
          parts.add(mean.toFloatArray());
          parts.add(std.toFloatArray());
        }
        int width = parts.stream().mapToInt(p -> p.length / n).sum();
        for (int i = 0; i < n; i++) {
          float[] row = new float[width];
          int at = 0;
          for (float[] p : parts) {
            int c = p.length / n;
            System.arraycopy(p, i * c, row, at, c);
            at += c;
          }
          out[from + i] = row;
        }
      }
    }
    return out;
  }

  /** Centres and scales every feature by the fitting set's mean and standard deviation. */
  private static void standardise(float[][] fit, float[][] other) {
    int d = fit[0].length;
    for (int p = 0; p < d; p++) {
      double sum = 0;
      double sq = 0;
      for (float[] row : fit) {
        sum += row[p];
        sq += (double) row[p] * row[p];
      }
      double mean = sum / fit.length;
      double sd = Math.sqrt(Math.max(sq / fit.length - mean * mean, 0)) + 1e-6;
      for (float[][] set : List.of(fit, other)) {
        for (float[] row : set) {
          row[p] = (float) ((row[p] - mean) / sd);
        }
      }
    }
  }

  private static double accuracy(float[][] x, int[] labels, double[] w, int classes) {
    int right = 0;
    for (int i = 0; i < x.length; i++) {
      int best = 0;
      double bestScore = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < classes; c++) {
        double score = 0;
        for (int p = 0; p < x[i].length; p++) {
          score += x[i][p] * w[p * classes + c];
        }
        if (score > bestScore) {
          bestScore = score;
          best = c;
        }
      }
      right += best == labels[i] ? 1 : 0;
    }
    return (double) right / x.length;
  }
}
