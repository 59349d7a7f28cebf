package org.texhash.trainer.hashing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/**
 * Synthetic classes for the cosine objective (Proxy Synthesis, Gu et al., AAAI 2021). Each crop i
 * of a batch is paired with a crop j of another class; with a weight {@code l ~ Beta(alpha, alpha)}
 * the pair gives a synthetic crop {@code l u_i + (1 - l) u_j} and a synthetic class row {@code l
 * w_(y_i) + (1 - l) w_(y_j)} (both unit vectors, re-normalised). The synthetic rows join the
 * softmax of the real crops as negatives, and the synthetic crops are classified among the real and
 * synthetic rows. The training classes then have to leave room between them, which is where
 * textures of classes nobody trained on land.
 *
 * <p>The pairs and weights are drawn in Java from a seeded {@link Random}, not the engine's
 * generator, so a resumed run draws the same ones.
 */
final class ProxySynthesis {
  private ProxySynthesis() {}

  /**
   * One batch's pairs: crop i is mixed with crop {@code partner[i]} with weight {@code weight[i]}.
   */
  record Mix(int[] partner, float[] weight) {}

  /** The logits {@code [2N, C + N]} of the real and synthetic crops, and their one-hot truth. */
  record Logits(NDArray logits, NDArray truth) {}

  /**
   * Pairs each crop with a uniformly drawn crop of another class (itself when the whole batch is
   * one class: the synthetic class is then a copy of a real one, harmless) and draws its weight.
   */
  static Mix draw(int[] labels, float alpha, Random rnd) {
    int n = labels.length;
    int[] partner = new int[n];
    float[] weight = new float[n];
    for (int i = 0; i < n; i++) {
      int others = 0;
      for (int label : labels) {
        others += label != labels[i] ? 1 : 0;
      }
      partner[i] = i;
      if (others > 0) {
        int pick = rnd.nextInt(others);
        for (int j = 0; j < n; j++) {
          if (labels[j] != labels[i] && pick-- == 0) {
            partner[i] = j;
            break;
          }
        }
      }
      weight[i] = (float) beta(alpha, rnd);
    }
    return new Mix(partner, weight);
  }

  /**
   * @param u the batch's unit-length codes {@code [N, K]}
   * @param w the classifier's unit-length rows {@code [C, K]}
   * @param labels each crop's class
   */
  static Logits logits(NDArray u, NDArray w, int[] labels, Mix mix) {
    NDManager m = u.getManager();
    int n = labels.length;
    int c = (int) w.getShape().get(0);
    float[] partnerRows = new float[n * n];
    float[] ownClass = new float[n * c];
    float[] partnerClass = new float[n * c];
    for (int i = 0; i < n; i++) {
      partnerRows[i * n + mix.partner()[i]] = 1f;
      ownClass[i * c + labels[i]] = 1f;
      partnerClass[i * c + labels[mix.partner()[i]]] = 1f;
    }
    NDArray l = m.create(mix.weight(), new Shape(n, 1));
    NDArray rest = l.neg().add(1f);
    NDArray partnerU = m.create(partnerRows, new Shape(n, n)).matMul(u);
    NDArray syntheticU = HashNetwork.unitRows(u.mul(l).add(partnerU.mul(rest))); // [N, K]
    NDArray ownW = m.create(ownClass, new Shape(n, c)).matMul(w);
    NDArray partnerW = m.create(partnerClass, new Shape(n, c)).matMul(w);
    NDArray syntheticW = HashNetwork.unitRows(ownW.mul(l).add(partnerW.mul(rest))); // [N, K]
    NDArray crops = NDArrays.concat(new NDList(u, syntheticU), 0);
    NDArray rows = NDArrays.concat(new NDList(w, syntheticW), 0);
    float[] truth = new float[2 * n * (c + n)];
    for (int i = 0; i < n; i++) {
      truth[i * (c + n) + labels[i]] = 1f;
      truth[(n + i) * (c + n) + c + i] = 1f;
    }
    return new Logits(crops.matMul(rows.transpose()), m.create(truth, new Shape(2L * n, c + n)));
  }

  /** A Beta(alpha, alpha) draw as the share of two Gamma(alpha) draws. */
  static double beta(double alpha, Random rnd) {
    double x = gamma(alpha, rnd);
    double y = gamma(alpha, rnd);
    return x + y == 0 ? 0.5 : x / (x + y);
  }

  /**
   * A Gamma(shape, 1) draw (Marsaglia and Tsang 2000; below shape 1 by the boost {@code Gamma(shape
   * + 1) U^(1 / shape)}).
   */
  static double gamma(double shape, Random rnd) {
    if (shape < 1) {
      return gamma(shape + 1, rnd) * Math.pow(rnd.nextDouble(), 1 / shape);
    }
    double d = shape - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double x = rnd.nextGaussian();
      double v = 1 + c * x;
      if (v <= 0) {
        continue;
      }
      v = v * v * v;
      double u = rnd.nextDouble();
      if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) {
        return d * v;
      }
    }
  }
}
