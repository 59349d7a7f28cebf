package org.texhash.trainer.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;

/**
 * The ascent half of a sharpness-aware minimisation step (SAM, Foret et al., ICLR 2021): moves the
 * trainable weights a distance {@code radius} along their gradient, {@code w + radius g / |g|} with
 * {@code |g|} the norm over all of them, so that the gradient taken there is the one of the worst
 * loss nearby. Descending that gradient from the original weights prefers minima whose whole
 * neighbourhood is low, which tend to serve data the network never saw better than sharp ones.
 *
 * <p>Use: backward at w, {@link #perturb}, forward and backward again, close the returned {@link
 * Perturbation} (w and the normalisation statistics as they were, the new gradient kept), then the
 * optimiser's step. The first gradient is zeroed by {@link #perturb}: PyTorch adds gradients up,
 * and the step must use the second alone.
 */
public final class SharpnessAscent {
  /** Keeps the division finite when every gradient is zero. */
  static final float EPSILON = 1e-12f;

  private SharpnessAscent() {}

  /**
   * Moves {@code block}'s trainable weights along their current gradients by {@code radius} in all,
   * zeroes the gradients and remembers the weights and every non-trainable parameter (batch norm's
   * running statistics, which the second forward pass would move again).
   *
   * @param radius rho, the length of the step in the space of all trainable weights; above 0
   */
  public static Perturbation perturb(Block block, float radius) {
    if (!(radius > 0)) {
      throw new IllegalArgumentException("the sharpness radius must be above 0, got " + radius);
    }
    List<NDArray> parameters = new ArrayList<>();
    List<NDArray> copies = new ArrayList<>();
    List<NDArray> weights = new ArrayList<>();
    List<NDArray> gradients = new ArrayList<>();
    for (Pair<String, Parameter> p : block.getParameters()) {
      NDArray array = p.getValue().getArray();
      parameters.add(array);
      copies.add(array.duplicate());
      if (p.getValue().requiresGradient()) {
        weights.add(array);
        gradients.add(array.getGradient()); // a fresh handle: closed below
      }
    }
    double squares = 0;
    for (NDArray g : gradients) { // temporaries live in the network's manager: close each
      try (NDArray square = g.square();
          NDArray sum = square.sum()) {
        squares += sum.getFloat();
      }
    }
    float scale = (float) (radius / (Math.sqrt(squares) + EPSILON));
    for (int i = 0; i < weights.size(); i++) {
      NDArray g = gradients.get(i);
      try (NDArray ascent = g.mul(scale)) {
        weights.get(i).addi(ascent);
      }
      g.subi(g);
      g.close();
    }
    return new Perturbation(parameters, copies);
  }

  /**
   * Every parameter as it was before {@link #perturb}, weights and statistics alike; closing puts
   * them back, to the bit.
   */
  public static final class Perturbation implements AutoCloseable {
    private final List<NDArray> parameters;
    private final List<NDArray> copies;

    private Perturbation(List<NDArray> parameters, List<NDArray> copies) {
      this.parameters = parameters;
      this.copies = copies;
    }

    /**
     * In place, so each parameter keeps its tensor (and its gradient): x - x is exactly 0 for a
     * finite x, and 0 + saved is saved.
     */
    @Override
    public void close() {
      for (int i = 0; i < parameters.size(); i++) {
        NDArray a = parameters.get(i);
        a.subi(a).addi(copies.get(i));
        copies.get(i).close();
      }
    }
  }
}
