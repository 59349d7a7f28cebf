package org.texhash.trainer.hashing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Locale;
import org.texhash.trainer.nn.Scalars;

/**
 * The hashing objectives, by name. u is the network's continuous code {@code [N, K]} for a batch of
 * training slots; U and B are the whole training set's (in {@link DiscreteCodes}).
 *
 * <ul>
 *   <li>{@code dsdh} (Li et al. 2017): pairwise likelihood of the label similarity given {@code
 *       theta_ij = u_i . U_j / 2}, plus {@code eta ||B_i - u_i||^2}; B and the classifier W are
 *       updated between epochs by {@link DiscreteCodes} (so the classification term acts through
 *       B).
 *   <li>{@code dpsh} (Li et al. 2016): the same pairwise likelihood plus {@code eta ||u -
 *       sign(u)||^2}.
 *   <li>{@code dhcq}: softmax cross-entropy of the linear classifier on u plus {@code eta ||u -
 *       sign(u)||^2}.
 *   <li>{@code contrastive}: needs no labels. The batch is two augmented views of n textures
 *       ({@link TrainingSlots#pairs}, rows {@code [A; B]}); each view must pick out its partner
 *       among the other 2n - 1 by the cosine of their codes (NT-Xent, Chen et al. 2020, temperature
 *       {@value #TEMPERATURE}), plus {@code eta ||u - sign(u)||^2}. It learns what stays the same
 *       when a texture is rescaled, turned, relit, blurred or compressed, rather than the training
 *       classes, so its codes are meant for textures nobody trained on.
 *   <li>{@code cosine}: softmax cross-entropy over the cosines between u and the classifier's
 *       weight rows (a normalised classifier with no bias), scaled by {@value #COSINE_SCALE} (or
 *       {@link HashPreset#withCosineScale}), the true class's cosine lowered by a margin of {@value
 *       #COSINE_MARGIN} (or {@link HashPreset#withCosineMargin}) (CosFace, Wang et al. 2018;
 *       "classification is a strong baseline for metric learning", Zhai and Wu 2019), plus {@code
 *       eta ||u - sign(u)||^2}. Classes are told apart by the angle of their codes, which is what
 *       the Hamming distance between signs measures, rather than by a length the classifier can
 *       grow.
 * </ul>
 *
 * With hundreds of classes, similar pairs are a fraction of a percent of all pairs; the likelihood
 * averages similar and dissimilar pairs separately and adds the two halves, so similar pairs are
 * not drowned.
 */
public enum Objective {
  DSDH(0.5),
  DPSH(0.1),
  DHCQ(0.1),
  CONTRASTIVE(0.1),
  COSINE(0.1);

  /** Softmax temperature of the contrastive objective over cosine similarities. */
  public static final float TEMPERATURE = 0.3f;

  /** Scale of the cosine objective's logits (a temperature of 1/16). */
  public static final float COSINE_SCALE = 16f;

  /** How much the cosine objective lowers the true class's cosine before the softmax. */
  public static final float COSINE_MARGIN = 0.2f;

  /**
   * The quantisation term's default weight ({@link HashPreset#withQuantisationWeight} overrides
   * it).
   */
  public final double eta;

  Objective(double eta) {
    this.eta = eta;
  }

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Objective of(String name) {
    for (Objective o : values()) {
      if (o.id().equals(name)) {
        return o;
      }
    }
    throw new IllegalArgumentException(
        "unknown objective '" + name + "' (expected dsdh, dpsh, dhcq, contrastive or cosine)");
  }

  /** True when the objective learns from pairs of views rather than from class labels. */
  public boolean labelFree() {
    return this == CONTRASTIVE;
  }

  /** True when the loss trains the network's classifier by backpropagation. */
  public boolean trainsClassifier() {
    return this == DHCQ || this == COSINE;
  }

  /**
   * sign(u) in the forward pass; backward, the gradient of u scaled to the codes' length ({@code
   * sqrt(K) u / |u|}), a straight-through estimator. Through the sign alone (the identity's
   * gradient) nothing holds u's length: a loss that sees only signs pushed the outputs to four
   * times their plain length within a thousand steps and slowed learning, since a large output's
   * bit is slow to flip. Through the scaling the gradient is the one a cosine loss gives u, which
   * keeps u's length as in a plain run.
   */
  public static NDArray signStraightThrough(NDArray u) {
    float length = (float) Math.sqrt(u.getShape().get(1));
    NDArray scaled = Scalars.times(HashNetwork.unitRows(u), length);
    return scaled.add(u.stopGradient().sign().sub(scaled.stopGradient()));
  }

  /** True when the network's classifier must give cosines (unit rows, no bias) for this loss. */
  public boolean cosineClassifier() {
    return this == COSINE;
  }

  /** The loss terms of one batch. */
  public record Terms(NDArray total, NDArray main, NDArray quantisation) {}

  /**
   * @param u the batch's codes {@code [N, K]}, attached to the graph
   * @param logits the classifier's output on u (cosines for {@link #cosineClassifier()})
   * @param slots the batch's training slots; their rows of U must already hold u
   */
  public Terms loss(NDArray u, NDArray logits, int[] slots, DiscreteCodes codes) {
    return loss(u, logits, slots, codes, eta, COSINE_SCALE, COSINE_MARGIN);
  }

  /**
   * {@link #loss(NDArray, NDArray, int[], DiscreteCodes)} with quantisation weight {@code w} and,
   * for {@link #COSINE}, the logits' {@code scale} and the true class's {@code margin}.
   */
  public Terms loss(
      NDArray u,
      NDArray logits,
      int[] slots,
      DiscreteCodes codes,
      double w,
      float scale,
      float margin) {
    NDManager m = u.getManager();
    int batch = slots.length;
    int k = codes.bits();
    NDArray main;
    NDArray quant;
    switch (this) {
      case DSDH, DPSH -> {
        main = pairwise(u, slots, codes);
        // DSDH pulls u towards B once B has been solved for (it starts random)
        NDArray target =
            this == DSDH && codes.updated()
                ? rows(m, codes.codes(), slots, k)
                : u.stopGradient().sign();
        quant = u.sub(target).square().mean();
      }
      case DHCQ -> {
        main = crossEntropy(logits, oneHot(m, logits, slots, codes));
        quant = u.sub(u.stopGradient().sign()).square().mean();
      }
      case COSINE -> {
        return cosineTerms(u, logits, oneHot(m, logits, slots, codes), w, scale, margin);
      }
      case CONTRASTIVE -> {
        main = viewPairs(u);
        quant = u.sub(u.stopGradient().sign()).square().mean();
      }
      default -> throw new IllegalStateException();
    }
    return new Terms(main.add(Scalars.times(quant, (float) w)), main, quant);
  }

  /**
   * The cosine objective's terms for cosines {@code logits} against one-hot rows {@code truth}
   * (which may hold more rows and columns than u, as {@link ProxySynthesis} makes them).
   */
  static Terms cosineTerms(
      NDArray u, NDArray logits, NDArray truth, double w, float scale, float margin) {
    NDArray main =
        crossEntropy(Scalars.times(logits.sub(Scalars.times(truth, margin)), scale), truth);
    NDArray quant = u.sub(u.stopGradient().sign()).square().mean();
    return new Terms(main.add(Scalars.times(quant, (float) w)), main, quant);
  }

  /** Rows of {@code [N, C]}: 1 at each slot's class. */
  private static NDArray oneHot(NDManager m, NDArray logits, int[] slots, DiscreteCodes codes) {
    int c = (int) logits.getShape().get(1);
    float[] oneHot = new float[slots.length * c];
    for (int r = 0; r < slots.length; r++) {
      oneHot[r * c + codes.label(slots[r])] = 1f;
    }
    return m.create(oneHot, logits.getShape());
  }

  /** Mean softmax cross-entropy of {@code logits} against one-hot rows. */
  private static NDArray crossEntropy(NDArray logits, NDArray truth) {
    return Scalars.over(logits.logSoftmax(-1).mul(truth).sum(), -logits.getShape().get(0));
  }

  /** NT-Xent over rows {@code [A; B]}: row i's positive is row (i + n) mod 2n. */
  private static NDArray viewPairs(NDArray u) {
    NDManager m = u.getManager();
    int rows = (int) u.getShape().get(0);
    int n = rows / 2;
    if (rows != 2 * n || n < 2) {
      throw new IllegalArgumentException(
          "the contrastive objective needs pairs of views of at least 2 textures, got "
              + rows
              + " rows");
    }
    NDArray z = HashNetwork.unitRows(u);
    float[] self = new float[rows * rows];
    float[] partner = new float[rows * rows];
    for (int i = 0; i < rows; i++) {
      self[i * rows + i] = 1e4f; // a view is not its own candidate
      partner[i * rows + (i + n) % rows] = 1f;
    }
    Shape square = new Shape(rows, rows);
    NDArray logits = Scalars.over(z.matMul(z.transpose()), TEMPERATURE).sub(m.create(self, square));
    return Scalars.over(logits.logSoftmax(1).mul(m.create(partner, square)).sum(), -rows);
  }

  /** Balanced negative log-likelihood of the similarities between the batch and all of U. */
  private static NDArray pairwise(NDArray u, int[] slots, DiscreteCodes codes) {
    NDManager m = u.getManager();
    int n = codes.size();
    int k = codes.bits();
    NDArray all = m.create(codes.outputs(), new Shape(n, k));
    NDArray theta = Scalars.times(u.matMul(all.transpose()), 0.5f);
    float[] similar = new float[slots.length * n];
    int positives = 0;
    for (int r = 0; r < slots.length; r++) {
      int label = codes.label(slots[r]);
      for (int j = 0; j < n; j++) {
        if (codes.label(j) == label) {
          similar[r * n + j] = 1f;
          positives++;
        }
      }
    }
    int negatives = slots.length * n - positives;
    float[] weight = new float[similar.length];
    for (int i = 0; i < weight.length; i++) {
      weight[i] = similar[i] > 0 ? 0.5f / positives : 0.5f / Math.max(1, negatives);
    }
    NDArray s = m.create(similar, theta.getShape());
    // -log p(s | theta) = log(1 + e^theta) - s theta, written to stay finite for large |theta|
    NDArray softplus = Scalars.atLeast(theta, 0f).add(theta.abs().neg().exp().add(1f).log());
    return softplus.sub(s.mul(theta)).mul(m.create(weight, theta.getShape())).sum();
  }

  private static NDArray rows(NDManager m, float[] matrix, int[] slots, int k) {
    float[] out = new float[slots.length * k];
    for (int r = 0; r < slots.length; r++) {
      System.arraycopy(matrix, slots[r] * k, out, r * k, k);
    }
    return m.create(out, new Shape(slots.length, k));
  }
}
