package org.texhash.trainer.tsn;

import ai.djl.ndarray.NDArray;
import java.util.List;
import org.texhash.trainer.nn.Scalars;

/**
 * Gram-matrix style distance (Gatys et al.): for each feature map {@code F} ({@code [N, C, h, w]})
 * the Gram matrix {@code G = F F^T / (h w)} ({@code [N, C, C]}); the distance of two images is the
 * sum over layers of the squared Frobenius distance of their Gram matrices, averaged over the
 * batch.
 */
public final class GramStyle {
  private GramStyle() {}

  public static NDArray gram(NDArray features) {
    long n = features.getShape().get(0);
    long c = features.getShape().get(1);
    long hw = features.getShape().get(2) * features.getShape().get(3);
    NDArray f = features.reshape(n, c, hw);
    return Scalars.over(f.matMul(f.transpose(0, 2, 1)), hw);
  }

  /** The style distance as a scalar; gradients flow into {@code generated} only. */
  public static NDArray distance(StyleNetwork net, NDArray generated, NDArray target) {
    List<NDArray> a = net.features(generated);
    List<NDArray> b = net.features(target.stopGradient());
    NDArray total = null;
    long n = generated.getShape().get(0);
    for (int i = 0; i < a.size(); i++) {
      NDArray d = Scalars.over(gram(a.get(i)).sub(gram(b.get(i)).stopGradient()).square().sum(), n);
      total = total == null ? d : total.add(d);
    }
    return total;
  }
}
