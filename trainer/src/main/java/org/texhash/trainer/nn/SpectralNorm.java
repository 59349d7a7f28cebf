package org.texhash.trainer.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Spectral normalisation (Miyato et al., ICLR 2018): a weight divided by its largest singular value
 * sigma, so the layer stretches no input by more than 1 and a discriminator built of such layers
 * cannot grow arbitrarily confident. Its scores then stay a smooth function of the image, and G
 * keeps an informative adversarial gradient instead of a saturated one.
 *
 * <p>sigma is estimated by power iteration on the weight seen as a {@code [out, in * k * k]}
 * matrix, without gradient through the singular vectors (as the paper does); the gradient reaches
 * the weight through {@code sigma = u^T W v}. The paper keeps u between steps and iterates once per
 * step; here every call starts from the same vector and iterates {@link #ITERATIONS} times, so the
 * result depends on the weight alone and a resumed run needs no extra state to repeat a fresh one
 * exactly. A few iterations may underestimate sigma slightly; the layer is then a little more than
 * 1-Lipschitz, which does not change what the normalisation is for.
 */
public final class SpectralNorm {
  /** Power iterations per call: D's largest matrix is 128 x 1,024, a few microseconds each. */
  static final int ITERATIONS = 8;

  private SpectralNorm() {}

  /**
   * {@code weight / sigma(weight)}, with a gradient towards {@code weight}; the result and every
   * intermediate belong to {@code scope} (a step's manager), not to the weight's long-lived one.
   */
  public static NDArray normalize(NDArray weight, NDManager scope) {
    return Scalars.power(sigma(weight, scope), -1f).mul(weight);
  }

  /** The largest singular value of {@code weight} as a {@code [rows, rest]} matrix, {@code [1]}. */
  public static NDArray sigma(NDArray weight, NDManager scope) {
    long rows = weight.getShape().get(0);
    NDArray w = weight.reshape(rows, -1);
    w.attach(scope);
    NDArray frozen = w.stopGradient();
    NDArray u = scope.ones(new Shape(rows, 1));
    NDArray v = null;
    for (int i = 0; i < ITERATIONS; i++) {
      v = unit(frozen.transpose().matMul(u));
      u = unit(frozen.matMul(v));
    }
    return u.transpose().matMul(w).matMul(v).reshape(1);
  }

  /** {@code x / |x|}, kept finite for a zero vector. */
  private static NDArray unit(NDArray x) {
    return x.div(x.norm().add(1e-12f));
  }
}
