package org.texhash.trainer.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.texhash.trainer.onnx.OnnxGraph;
import org.texhash.trainer.onnx.OnnxNodes;

/**
 * Channel-wise attention (the paper's section 3.2, Eq. 2): global average pooling gives the channel
 * descriptor z ({@code [N, C]}); a 1-D convolution with bias slides over z (neighbouring channels
 * share one small filter); the result is normalised to (0, 1) by the logistic function, {@code a =
 * sigmoid(w * z + b)}, and multiplies the input channel by channel. (A softmax over the channels,
 * scaled by C, was tried first: on a trained G's maps it let single channels grow by two orders of
 * magnitude and training diverged within 40 steps.)
 *
 * <p>ONNX: {@code GlobalAveragePool}, {@code Reshape} to {@code [N, 1, C]}, {@code Conv} (1-D),
 * {@code Sigmoid}, {@code Reshape} to {@code [N, C, 1, 1]}, {@code Mul}.
 */
public final class ChannelAttention extends AbstractBlock implements OnnxNodes {
  private final int kernel;
  private final Conv1d conv;
  private long channels;

  /**
   * @param kernel odd width of the 1-D filter over the channel descriptor
   */
  public ChannelAttention(int kernel) {
    super((byte) 1);
    if (kernel < 1 || kernel % 2 == 0) {
      throw new IllegalArgumentException(
          "attention kernel must be odd and positive, got " + kernel);
    }
    this.kernel = kernel;
    conv =
        addChildBlock(
            "conv",
            Conv1d.builder()
                .setKernelShape(new Shape(kernel))
                .setFilters(1)
                .optPadding(new Shape(kernel / 2))
                .optBias(true)
                .build());
  }

  /** The per-channel weights {@code [N, C]} for maps {@code x}. */
  public NDArray weights(ParameterStore store, NDArray x, boolean training) {
    Shape s = x.getShape();
    NDArray z = x.mean(new int[] {3}).mean(new int[] {2}).reshape(s.get(0), 1, s.get(1));
    NDArray logits = conv.forward(store, new NDList(z), training).singletonOrThrow();
    return ai.djl.nn.Activation.sigmoid(logits).reshape(s.get(0), s.get(1));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    Shape s = x.getShape();
    return new NDList(x.mul(weights(store, x, training).reshape(s.get(0), s.get(1), 1, 1)));
  }

  @Override
  public String emitOnnx(OnnxGraph g, String input) {
    var p = conv.getParameters();
    String z = g.node("GlobalAveragePool", "ca_gap", input);
    z = g.node("Reshape", "ca_z", new String[] {z, g.longs("ca_shape", -1, 1, channels)});
    String logits =
        g.node(
            "Conv",
            "ca_conv",
            new String[] {
              z,
              g.weight("ca_w", p.get("weight").getArray()),
              g.weight("ca_b", p.get("bias").getArray())
            },
            "kernel_shape",
            new long[] {kernel},
            "pads",
            new long[] {kernel / 2, kernel / 2});
    String a = g.node("Sigmoid", "ca_sigmoid", logits);
    a = g.node("Reshape", "ca_a", new String[] {a, g.longs("ca_shape", -1, channels, 1, 1)});
    return g.node("Mul", "ca", new String[] {input, a});
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape s = inputShapes[0];
    if (s.dimension() != 4) {
      throw new IllegalArgumentException("ChannelAttention expects [N, C, H, W], got " + s);
    }
    channels = s.get(1);
    conv.initialize(manager, dataType, new Shape(s.get(0), 1, channels));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }
}
