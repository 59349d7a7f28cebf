package org.texhash.trainer.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.texhash.trainer.onnx.OnnxGraph;
import org.texhash.trainer.onnx.OnnxNodes;

/**
 * The soft sign pattern that local binary patterns count, as extra input channels: for each pixel p
 * and each of {@link #POINTS} points o on a circle of radius 1 and of radius 2 (bilinearly
 * interpolated, as rotation-invariant LBP samples them), {@code tanh(SHARPNESS (luma(p + o) -
 * luma(p)))}, concatenated after the 3 colour channels. A network can learn such differences
 * itself; given them, it starts from what LBP knows about micro-structure, and they do not move
 * when the light does (an added or scaled brightness changes only their size, not their sign).
 *
 * <p>No parameters: a fixed 5x5 convolution (zero padding: beyond the border is mid-grey) computes
 * every difference at once. ONNX: {@code Conv} with a constant weight, {@code Mul}, {@code Tanh},
 * {@code Concat}.
 */
public final class LocalSigns extends AbstractBlock implements OnnxNodes {
  /** Points per circle; the classic LBP's 8 neighbours. */
  public static final int POINTS = 8;

  /** Radii of the circles, in pixels. */
  private static final int[] RADII = {1, 2};

  /** Channels this block adds: one per point of every circle. */
  public static final int CHANNELS = POINTS * RADII.length;

  /**
   * Slope of the soft sign: a luma step of 1/8 of the [-1, 1] range (16 grey levels of 255) gives
   * tanh(1) = 0.76, so flat noise stays near 0 and real edges near +-1.
   */
  public static final float SHARPNESS = 8f;

  /** ITU-R BT.601 luma weights of R, G, B. */
  private static final float[] LUMA = {0.299f, 0.587f, 0.114f};

  private static final int KERNEL = 2 * RADII[RADII.length - 1] + 1;
  private static final int PAD = KERNEL / 2;

  /** The fixed weight, computed once: every forward pass and export reads it. */
  private static final float[] WEIGHT = kernel();

  public LocalSigns() {
    super((byte) 1);
  }

  /**
   * The fixed weight {@code [CHANNELS, 3, KERNEL, KERNEL]}: for channel k, the bilinear weights of
   * its point minus 1 at the centre, times each colour's luma weight.
   */
  private static float[] kernel() {
    int taps = KERNEL * KERNEL;
    float[] diff = new float[CHANNELS * taps];
    int k = 0;
    for (int radius : RADII) {
      for (int i = 0; i < POINTS; i++, k++) {
        double angle = 2 * Math.PI * i / POINTS;
        // snapped so that cos(90 degrees) is 0, not 6e-17: axis points fall on whole pixels
        double dy = PAD - radius * Math.rint(Math.sin(angle) * 1e9) / 1e9;
        double dx = PAD + radius * Math.rint(Math.cos(angle) * 1e9) / 1e9;
        int y0 = (int) Math.floor(dy);
        int x0 = (int) Math.floor(dx);
        double fy = dy - y0;
        double fx = dx - x0;
        add(diff, k, y0, x0, (1 - fy) * (1 - fx));
        add(diff, k, y0, x0 + 1, (1 - fy) * fx);
        add(diff, k, y0 + 1, x0, fy * (1 - fx));
        add(diff, k, y0 + 1, x0 + 1, fy * fx);
        add(diff, k, PAD, PAD, -1);
      }
    }
    float[] w = new float[CHANNELS * 3 * taps];
    for (int c = 0; c < CHANNELS; c++) {
      for (int rgb = 0; rgb < 3; rgb++) {
        for (int t = 0; t < taps; t++) {
          w[(c * 3 + rgb) * taps + t] = LUMA[rgb] * diff[c * taps + t];
        }
      }
    }
    return w;
  }

  private static void add(float[] diff, int channel, int y, int x, double weight) {
    if (weight != 0) {
      diff[channel * KERNEL * KERNEL + y * KERNEL + x] += (float) weight;
    }
  }

  private static Shape kernelShape() {
    return new Shape(CHANNELS, 3, KERNEL, KERNEL);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    NDArray w = x.getManager().create(WEIGHT, kernelShape());
    NDArray d =
        Conv2d.conv2d(x, w, null, new Shape(1, 1), new Shape(PAD, PAD), new Shape(1, 1), 1)
            .singletonOrThrow();
    return new NDList(
        NDArrays.concat(new NDList(x, Activation.tanh(Scalars.times(d, SHARPNESS))), 1));
  }

  @Override
  public String emitOnnx(OnnxGraph g, String input) {
    String d =
        g.node(
            "Conv",
            "signs_conv",
            new String[] {input, g.floats("signs_w", WEIGHT, kernelShape().getShape())},
            "kernel_shape",
            new long[] {KERNEL, KERNEL},
            "pads",
            new long[] {PAD, PAD, PAD, PAD});
    String scaled =
        g.node("Mul", "signs_mul", new String[] {d, g.floats("signs_k", new float[] {SHARPNESS})});
    String signs = g.node("Tanh", "signs", scaled);
    return g.node("Concat", "signs_cat", new String[] {input, signs}, "axis", 1L);
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    // nothing to initialise: the weight is fixed
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape s = inputShapes[0];
    if (s.get(1) != 3) {
      throw new IllegalArgumentException("LocalSigns reads RGB [N, 3, H, W], got " + s);
    }
    return new Shape[] {new Shape(s.get(0), 3 + CHANNELS, s.get(2), s.get(3))};
  }
}
