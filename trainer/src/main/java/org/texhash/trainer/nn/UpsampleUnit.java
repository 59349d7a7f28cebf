package org.texhash.trainer.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.texhash.trainer.onnx.OnnxGraph;
import org.texhash.trainer.onnx.OnnxNodes;

/**
 * Doubles the spatial size: nearest-neighbour 2x resize, then a 3x3 {@link ConvUnit}.
 *
 * <p>Stands in for the transposed convolution of the paper, which DJL's PyTorch engine lacks;
 * resize + conv also avoids the checkerboard artefacts of strided deconvolution. ONNX: the same
 * function as one transposed convolution ({@link #emitOnnx}).
 */
public final class UpsampleUnit extends AbstractBlock implements OnnxNodes {
  /** The 3x3 taps that sum into each tap of the 4-tap transposed kernel, along one axis. */
  private static final int[][] TAPS = {{2}, {1, 2}, {0, 1}, {0}};

  private final ConvUnit conv;

  public UpsampleUnit(int filters) {
    super((byte) 1);
    conv =
        addChildBlock("conv", new ConvUnit(filters, 3, 1, ConvUnit.Norm.BATCH, ConvUnit.Act.RELU));
  }

  /**
   * Nearest-neighbour 2x upsampling of an {@code [N, C, H, W]} map (repeat each row and column).
   */
  public static NDArray nearest2x(NDArray x) {
    return x.repeat(2, 2).repeat(3, 2);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    return conv.forward(store, new NDList(nearest2x(inputs.singletonOrThrow())), training);
  }

  /**
   * The same function as one {@code ConvTranspose} (kernel 4, stride 2, pads 1), without building
   * the resized map: output row 2i reads input rows i - 1 and i with the 3x3 kernel's row weights
   * w0 and w1 + w2, output row 2i + 1 rows i and i + 1 with w0 + w1 and w2 (columns alike), which
   * are the transposed kernel's taps 3, 1 and 2, 0. 4 of the 9 multiply-adds per output; the TSN
   * encoders encode about 1.1x faster than with {@code Resize} + {@code Conv}. Then the unit's
   * normalisation and activation.
   */
  @Override
  public String emitOnnx(OnnxGraph g, String input) {
    NDArray kernel = conv.kernelWeights();
    long[] shape = kernel.getShape().getShape(); // [out, in, 3, 3]
    float[] transposed =
        transposedKernel(
            kernel.toType(DataType.FLOAT32, false).toFloatArray(), (int) shape[0], (int) shape[1]);
    String weight = g.floats("up_w", transposed, shape[1], shape[0], 4, 4);
    String y =
        g.node(
            "ConvTranspose",
            "up",
            conv.convInputs(g, input, weight),
            "kernel_shape",
            new long[] {4, 4},
            "strides",
            new long[] {2, 2},
            "pads",
            new long[] {1, 1, 1, 1});
    return conv.emitNormAndActivation(g, y);
  }

  /**
   * {@code [out, in, 3, 3]} conv weights {@code w} to {@code [in, out, 4, 4]} ConvTranspose ones.
   */
  private static float[] transposedKernel(float[] w, int out, int in) {
    float[] t = new float[in * out * 16];
    for (int o = 0; o < out; o++) {
      for (int i = 0; i < in; i++) {
        for (int tr = 0; tr < 4; tr++) {
          for (int tc = 0; tc < 4; tc++) {
            float sum = 0;
            for (int r : TAPS[tr]) {
              for (int c : TAPS[tc]) {
                sum += w[((o * in + i) * 3 + r) * 3 + c];
              }
            }
            t[((i * out + o) * 4 + tr) * 4 + tc] = sum;
          }
        }
      }
    }
    return t;
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    conv.initialize(manager, dataType, upsampled(inputShapes[0]));
  }

  private static Shape upsampled(Shape s) {
    return new Shape(s.get(0), s.get(1), s.get(2) * 2, s.get(3) * 2);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return conv.getOutputShapes(new Shape[] {upsampled(inputShapes[0])});
  }
}
