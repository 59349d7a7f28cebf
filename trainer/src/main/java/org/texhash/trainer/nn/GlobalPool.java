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
 *   <li>{@link Kind#GRAM}: the channels' second moments {@code G_ij = mean over positions of x_i
 *       x_j}, each under a signed square root, {@code [N, C * C]} (bilinear pooling, the Gram
 *       matrix of the style loss): which filters fire together, not only how much each fires. The
 *       square root keeps a few strong co-activations from drowning the rest.
 *   <li>{@link Kind#GEM}: the generalised mean {@code (mean over positions of max(x,
 *       eps)^3)^(1/3)}, {@code [N, C]} (GeM, Radenović et al. 2018): between the mean (power 1) and
 *       the maximum (power infinity), so a filter that fires strongly at a few places of the patch
 *       counts more than one that fires weakly everywhere. Its maps are ReLU outputs, so the clamp
 *       only keeps the root's gradient finite.
 * </ul>
 *
 * <p>ONNX: {@code GlobalAveragePool} of x (and, for the deviation, of x*x, then {@code Sub}, {@code
 * Relu}, {@code Add} epsilon, {@code Sqrt}, {@code Concat}), {@code Flatten}. The Gram: {@code
 * Reshape} to {@code [N, C, HW]}, the product of its {@code [N, C, 1, HW]} and {@code [N, 1, C,
 * HW]} views ({@code Unsqueeze}, {@code Mul}), {@code ReduceMean} over the positions (so the graph
 * takes any patch size), then {@code Abs}, {@code Add} epsilon, {@code Sqrt}, {@code Sign}, {@code
 * Mul}, {@code Flatten}. GeM: {@code Max} with epsilon, {@code Pow} 3, {@code GlobalAveragePool},
 * {@code Pow} 1/3, {@code Flatten}.
 */
public final class GlobalPool extends AbstractBlock implements OnnxNodes {
  /** Keeps the square root's gradient finite where a channel is constant. */
  static final float EPSILON = 1e-5f;

  /** GeM's power: the value Radenović et al. found best, fixed so the pooling has no weights. */
  static final float GEM_POWER = 3f;

  /** GeM's floor: x^3 of a zero would give the cube root an infinite gradient. */
  static final float GEM_FLOOR = 1e-6f;

  /** What is pooled per channel. */
  public enum Kind {
    MEAN,
    MEAN_STD,
    GRAM,
    GEM;

    /** The pooled vector's length for maps of {@code channels} channels. */
    public int outputs(int channels) {
      return switch (this) {
        case MEAN, GEM -> channels;
        case MEAN_STD -> 2 * channels;
        case GRAM -> channels * channels;
      };
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
    if (kind == Kind.GRAM) {
      return new NDList(gram(x));
    }
    if (kind == Kind.GEM) {
      NDArray powerMean =
          Scalars.power(Scalars.atLeast(x, GEM_FLOOR), GEM_POWER)
              .mean(new int[] {3})
              .mean(new int[] {2});
      return new NDList(Scalars.power(powerMean, 1f / GEM_POWER));
    }
    NDArray mean = x.mean(new int[] {3}).mean(new int[] {2});
    if (kind == Kind.MEAN) {
      return new NDList(mean);
    }
    NDArray variance = x.mul(x).mean(new int[] {3}).mean(new int[] {2}).sub(mean.mul(mean));
    NDArray std = Scalars.atLeast(variance, 0f).add(EPSILON).sqrt();
    return new NDList(NDArrays.concat(new NDList(mean, std), 1));
  }

  private static NDArray gram(NDArray x) {
    Shape s = x.getShape();
    long c = s.get(1);
    long positions = s.get(2) * s.get(3);
    NDArray flat = x.reshape(s.get(0), c, positions);
    NDArray moments =
        Scalars.over(flat.matMul(flat.transpose(0, 2, 1)), positions).reshape(s.get(0), c * c);
    return moments.abs().add(EPSILON).sqrt().mul(moments.sign());
  }

  @Override
  public String emitOnnx(OnnxGraph g, String input) {
    if (kind == Kind.GRAM) {
      return emitGram(g, input);
    }
    if (kind == Kind.GEM) {
      return emitGem(g, input);
    }
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

  private static String emitGem(OnnxGraph g, String input) {
    String floored =
        g.node(
            "Max", "gem_floor", new String[] {input, g.floats("gem_eps", new float[] {GEM_FLOOR})});
    String powered =
        g.node(
            "Pow",
            "gem_pow",
            new String[] {floored, g.floats("gem_power", new float[] {GEM_POWER})});
    String powerMean = g.node("GlobalAveragePool", "gem_mean", powered);
    String root =
        g.node(
            "Pow",
            "gem_root",
            new String[] {powerMean, g.floats("gem_inverse", new float[] {1f / GEM_POWER})});
    return g.node("Flatten", "pool", root, "axis", 1L);
  }

  private static String emitGram(OnnxGraph g, String input) {
    String flat =
        g.node("Reshape", "gram_flat", new String[] {input, g.longs("gram_shape", 0, 0, -1)});
    String rows = g.node("Unsqueeze", "gram_rows", new String[] {flat, g.longs("gram_axis", 2)});
    String cols = g.node("Unsqueeze", "gram_cols", new String[] {flat, g.longs("gram_axis", 1)});
    String products = g.node("Mul", "gram_products", new String[] {rows, cols});
    String moments =
        g.node("ReduceMean", "gram_moments", products, "axes", new long[] {3}, "keepdims", 0L);
    String root =
        g.node(
            "Sqrt",
            "gram_root",
            g.node(
                "Add",
                "gram_eps",
                new String[] {
                  g.node("Abs", "gram_abs", moments),
                  g.floats("gram_epsilon", new float[] {EPSILON})
                }));
    String signed =
        g.node("Mul", "gram_signed", new String[] {root, g.node("Sign", "gram_sign", moments)});
    return g.node("Flatten", "pool", signed, "axis", 1L);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape s = inputShapes[0];
    return new Shape[] {new Shape(s.get(0), kind.outputs((int) s.get(1)))};
  }
}
