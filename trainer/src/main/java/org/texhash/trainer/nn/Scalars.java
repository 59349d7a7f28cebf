package org.texhash.trainer.nn;

import ai.djl.ndarray.NDArray;

/**
 * Arithmetic with a constant that the backward pass can read: use these, never {@code x.mul(2f)},
 * in anything that runs under a {@code GradientCollector}.
 *
 * <p>DJL's PyTorch engine makes the number of {@code x.mul(2f)} (and of {@code div}, {@code pow},
 * {@code maximum}, {@code minimum}) a tensor over a direct Java buffer ({@code torch::from_blob},
 * which does not own the memory) and closes it as soon as the operation returns. PyTorch's autograd
 * keeps that tensor for the backward pass (the gradient of {@code x * c} is {@code c}), so when a
 * garbage collection frees the buffer between the forward and the backward pass, the backward pass
 * reads whatever the memory holds by then: the gradient is scaled by another number, huge, or NaN,
 * at steps that depend on when the JVM collected. {@code ScalarsTest} shows it. Here the constant
 * is created on {@code x}'s manager and left open, so it lives as long as that manager (a training
 * step's scope), past the backward pass. {@code add} and {@code sub} of a number are safe: their
 * gradients do not read the constant.
 */
public final class Scalars {
  private Scalars() {}

  /** {@code x * c}. */
  public static NDArray times(NDArray x, float c) {
    return x.mul(constant(x, c));
  }

  /** {@code x / c}. */
  public static NDArray over(NDArray x, float c) {
    return x.div(constant(x, c));
  }

  /** {@code x ^ c}. */
  public static NDArray power(NDArray x, float c) {
    return x.pow(constant(x, c));
  }

  /** {@code max(x, c)}, element-wise. */
  public static NDArray atLeast(NDArray x, float c) {
    return x.maximum(constant(x, c));
  }

  /** {@code c} as a scalar tensor owned by {@code like}'s manager, open until that closes. */
  public static NDArray constant(NDArray like, float c) {
    return like.getManager().create(c);
  }
}
