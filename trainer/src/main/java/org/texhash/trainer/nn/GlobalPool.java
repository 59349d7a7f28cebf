package org.texhash.trainer.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.texhash.trainer.onnx.OnnxGraph;
import org.texhash.trainer.onnx.OnnxNodes;

/**
 * Orderless pooling of {@code [N, C, H, W]} maps to a vector per image.
 *
 * <ul>
 *   <li>{@link Kind#MEAN}: the per-channel mean, {@code [N, C]} (global average pooling).
 *   <li>{@link Kind#MEAN_STD}: the per-channel mean and standard deviation side by side, {@code [N,
 *       2C]}. A texture is a stationary field, so how strongly a filter's response varies over the
 *       patch describes it as much as the response's average (the statistics style transfer
 *       matches); the mean alone cannot tell a fine checkerboard from a flat grey.
 * </ul>
 *
 * <p>ONNX: {@code GlobalAveragePool} of x (and, for the deviation, of x*x, then {@code Sub}, {@code
 * Relu}, {@code Add} epsilon, {@code Sqrt}, {@code Concat}), {@code Flatten}.
 */
public final class GlobalPool extends AbstractBlock implements OnnxNodes {
  /** Keeps the square root's gradient finite where a channel is constant. */
  static final float EPSILON = 1e-5f;

  /** What is pooled per channel. */
  public enum Kind {
    MEAN(1),
    MEAN_STD(2);

    /** Output values per input channel. */
    public final int valuesPerChannel;

    Kind(int valuesPerChannel) {
      this.valuesPerChannel = valuesPerChannel;
    }
  }

  private final Kind kind;

  public GlobalPool(Kind kind) {
    super((byte) 1);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    NDArray mean = x.mean(new int[] {3}).mean(new int[] {2});
    if (kind == Kind.MEAN) {
      return new NDList(mean);
    }
    NDArray variance = x.mul(x).mean(new int[] {3}).mean(new int[] {2}).sub(mean.mul(mean));
    NDArray std = variance.maximum(0f).add(EPSILON).sqrt();
    return new NDList(NDArrays.concat(new NDList(mean, std), 1));
  }

  @Override
  public String emitOnnx(OnnxGraph g, String input) {
    String mean = g.node("GlobalAveragePool", "pool_mean", input);
    String pooled = mean;
    if (kind == Kind.MEAN_STD) {
      String square = g.node("Mul", "pool_sq", new String[] {input, input});
      String meanSquare = g.node("GlobalAveragePool", "pool_mean_sq", square);
      String squareMean = g.node("Mul", "pool_mean2", new String[] {mean, mean});
      String variance =
          g.node(
              "Relu",
              "pool_var",
              g.node("Sub", "pool_diff", new String[] {meanSquare, squareMean}));
      String std =
          g.node(
              "Sqrt",
              "pool_std",
              g.node(
                  "Add",
                  "pool_eps",
                  new String[] {variance, g.floats("pool_epsilon", new float[] {EPSILON})}));
      pooled = g.node("Concat", "pool_stats", new String[] {mean, std}, "axis", 1L);
    }
    return g.node("Flatten", "pool", pooled, "axis", 1L);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape s = inputShapes[0];
    return new Shape[] {new Shape(s.get(0), s.get(1) * kind.valuesPerChannel)};
  }
}
