package org.texhash.trainer.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.texhash.trainer.onnx.OnnxGraph;
import org.texhash.trainer.onnx.OnnxNodes;

/**
 * Instance normalisation over the spatial axes of an {@code [N, C, H, W]} map, with a learned
 * per-channel scale ({@code gamma}) and shift ({@code beta}).
 *
 * <p>Used in D (real and fake batches go through D separately, so batch statistics would differ
 * between them). DJL has no instance normalisation block. ONNX: {@code InstanceNormalization}
 * (scale = gamma, B = beta, epsilon).
 */
public final class InstanceNorm2d extends AbstractBlock implements OnnxNodes {
  public static final float EPSILON = 1e-5f;

  private final Parameter gamma;
  private final Parameter beta;

  public InstanceNorm2d() {
    super((byte) 1);
    gamma =
        addParameter(Parameter.builder().setName("gamma").setType(Parameter.Type.GAMMA).build());
    beta = addParameter(Parameter.builder().setName("beta").setType(Parameter.Type.BETA).build());
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    long c = x.getShape().get(1);
    NDArray mean = spatialMean(x);
    NDArray centered = x.sub(mean);
    NDArray variance = spatialMean(centered.square());
    NDArray normalized = centered.div(variance.add(EPSILON).sqrt());
    NDArray g = store.getValue(gamma, x.getDevice(), training).reshape(1, c, 1, 1);
    NDArray b = store.getValue(beta, x.getDevice(), training).reshape(1, c, 1, 1);
    return new NDList(normalized.mul(g).add(b));
  }

  @Override
  public String emitOnnx(OnnxGraph g, String input) {
    return g.node(
        "InstanceNormalization",
        "in",
        new String[] {
          input, g.weight("in_scale", gamma.getArray()), g.weight("in_b", beta.getArray())
        },
        "epsilon",
        EPSILON);
  }

  /**
   * Mean over H and W, kept as {@code [N, C, 1, 1]} (the PyTorch engine reduces one axis at a
   * time).
   */
  private static NDArray spatialMean(NDArray x) {
    return x.mean(new int[] {3}, true).mean(new int[] {2}, true);
  }

  @Override
  protected void prepare(Shape[] inputShapes) {
    Shape s = inputShapes[0];
    if (s.dimension() != 4) {
      throw new IllegalArgumentException("InstanceNorm2d expects [N, C, H, W], got " + s);
    }
    gamma.setShape(new Shape(s.get(1)));
    beta.setShape(new Shape(s.get(1)));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }
}
