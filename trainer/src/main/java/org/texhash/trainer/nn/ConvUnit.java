package org.texhash.trainer.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.texhash.trainer.onnx.OnnxGraph;
import org.texhash.trainer.onnx.OnnxNodes;

/**
 * Convolution, optional normalisation, activation: the one building block of G and D.
 *
 * <p>ONNX: {@code Conv} (symmetric pads, bias only when there is no normalisation, since the
 * normalisation would cancel it) + {@code BatchNormalization} (running statistics) or {@code
 * InstanceNormalization} + {@code Relu} / {@code LeakyRelu} (alpha 0.2) / {@code Tanh}.
 *
 * <p>A unit made by {@link #spectral} convolves with its weight divided by the weight's largest
 * singular value ({@link SpectralNorm}): for D, which is trained but never exported.
 */
public final class ConvUnit extends AbstractBlock implements OnnxNodes {
  /**
   * The normalisations. G uses batch normalisation (as Zhou et al.): instance normalisation would
   * remove each image's mean colour and contrast at the first layer, which G must reproduce. D uses
   * instance normalisation, so that real and fake batches (passed separately) are judged alike.
   */
  public enum Norm {
    NONE,
    BATCH,
    INSTANCE
  }

  /** The activations the TSN uses; each is a single ONNX operator. */
  public enum Act {
    NONE,
    RELU,
    LEAKY_RELU,
    TANH;

    NDArray apply(NDArray x) {
      return switch (this) {
        case NONE -> x;
        case RELU -> Activation.relu(x);
        case LEAKY_RELU -> Activation.leakyRelu(x, LEAKY_SLOPE);
        case TANH -> Activation.tanh(x);
      };
    }
  }

  public static final float LEAKY_SLOPE = 0.2f;
  public static final float BATCH_EPSILON = 1e-5f;

  private final int filters;
  private final int kernel;
  private final int stride;
  private final Norm normKind;
  private final Act act;
  private final boolean spectral;
  private final Conv2d conv;
  private final Block norm;

  /**
   * @param filters output channels
   * @param kernel square kernel side; padding is {@code (kernel - 1) / 2} (for even kernels with
   *     stride 2 that is {@code kernel / 2 - 1}), so stride 1 keeps the size and stride 2 halves it
   */
  public ConvUnit(int filters, int kernel, int stride, Norm normKind, Act act) {
    this(filters, kernel, stride, normKind, act, false);
  }

  /** The same unit with a spectrally normalised convolution (no ONNX export). */
  public static ConvUnit spectral(int filters, int kernel, int stride, Norm normKind, Act act) {
    return new ConvUnit(filters, kernel, stride, normKind, act, true);
  }

  private ConvUnit(int filters, int kernel, int stride, Norm normKind, Act act, boolean spectral) {
    super((byte) 1);
    if (filters <= 0 || kernel <= 0 || (stride != 1 && stride != 2)) {
      throw new IllegalArgumentException(
          "ConvUnit needs filters > 0, kernel > 0, stride 1 or 2; got "
              + filters
              + ", "
              + kernel
              + ", "
              + stride);
    }
    this.filters = filters;
    this.kernel = kernel;
    this.stride = stride;
    this.normKind = normKind;
    boolean normalized = normKind != Norm.NONE;
    this.act = act;
    this.spectral = spectral;
    int pad = padding(kernel, stride);
    conv =
        addChildBlock(
            "conv",
            Conv2d.builder()
                .setKernelShape(new Shape(kernel, kernel))
                .setFilters(filters)
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(pad, pad))
                .optBias(!normalized)
                .build());
    norm =
        switch (normKind) {
          case NONE -> null;
          case BATCH ->
              addChildBlock(
                  "norm", BatchNorm.builder().optMomentum(0.9f).optEpsilon(BATCH_EPSILON).build());
          case INSTANCE -> addChildBlock("norm", new InstanceNorm2d());
        };
  }

  static int padding(int kernel, int stride) {
    return kernel % 2 == 1 ? (kernel - 1) / 2 : (stride == 2 ? kernel / 2 - 1 : kernel / 2);
  }

  public int filters() {
    return filters;
  }

  public int kernel() {
    return kernel;
  }

  public int stride() {
    return stride;
  }

  public Norm norm() {
    return normKind;
  }

  public Act activation() {
    return act;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    return forwardWithAddend(store, inputs.singletonOrThrow(), null, training);
  }

  /**
   * This unit on {@code x} with {@code addend} (if not null) added to the convolution's output
   * before the normalisation: a second path into the same unit ({@link SignsStemUnit}).
   */
  public NDList forwardWithAddend(
      ParameterStore store, NDArray x, NDArray addend, boolean training) {
    NDList y =
        spectral ? spectralConv(store, x, training) : conv.forward(store, new NDList(x), training);
    if (addend != null) {
      y = new NDList(y.singletonOrThrow().add(addend));
    }
    if (norm != null) {
      y = norm.forward(store, y, training);
    }
    return new NDList(act.apply(y.singletonOrThrow()));
  }

  /**
   * The convolution with {@code W / sigma(W)}: the same padding, stride and bias as {@code conv}.
   */
  private NDList spectralConv(ParameterStore store, NDArray x, boolean training) {
    var p = conv.getParameters();
    NDArray w =
        SpectralNorm.normalize(
            store.getValue(p.get("weight"), x.getDevice(), training), x.getManager());
    NDArray b = norm == null ? store.getValue(p.get("bias"), x.getDevice(), training) : null;
    int pad = padding(kernel, stride);
    return Conv2d.conv2d(
        x, w, b, new Shape(stride, stride), new Shape(pad, pad), new Shape(1, 1), 1);
  }

  @Override
  public String emitOnnx(OnnxGraph g, String input) {
    return emitNormAndActivation(g, emitConv(g, input));
  }

  /** The {@code Conv} node of this unit's convolution alone, reading {@code input}. */
  public String emitConv(OnnxGraph g, String input) {
    if (spectral) {
      throw new UnsupportedOperationException(
          "a spectrally normalised unit belongs to D, which is never exported");
    }
    int pad = padding(kernel, stride);
    return g.node(
        "Conv",
        "conv",
        convInputs(g, input, g.weight("conv_w", kernelWeights())),
        "kernel_shape",
        new long[] {kernel, kernel},
        "strides",
        new long[] {stride, stride},
        "pads",
        new long[] {pad, pad, pad, pad});
  }

  /** The convolution's weight, {@code [filters, in, kernel, kernel]}. */
  public NDArray kernelWeights() {
    return conv.getParameters().get("weight").getArray();
  }

  /**
   * The inputs of a {@code Conv} node that stands for this unit's convolution with the weight
   * initializer {@code weight}: the bias joins them only when there is no normalisation.
   */
  public String[] convInputs(OnnxGraph g, String input, String weight) {
    return norm == null
        ? new String[] {
          input, weight, g.weight("conv_b", conv.getParameters().get("bias").getArray())
        }
        : new String[] {input, weight};
  }

  /** The normalisation and activation nodes that follow the convolution's output {@code y}. */
  public String emitNormAndActivation(OnnxGraph g, String y) {
    if (normKind == Norm.BATCH) {
      var n = norm.getParameters();
      y =
          g.node(
              "BatchNormalization",
              "bn",
              new String[] {
                y,
                g.weight("bn_scale", n.get("gamma").getArray()),
                g.weight("bn_b", n.get("beta").getArray()),
                g.weight("bn_mean", n.get("runningMean").getArray()),
                g.weight("bn_var", n.get("runningVar").getArray())
              },
              "epsilon",
              BATCH_EPSILON);
    } else if (normKind == Norm.INSTANCE) {
      y = ((InstanceNorm2d) norm).emitOnnx(g, y);
    }
    return switch (act) {
      case NONE -> y;
      case RELU -> g.node("Relu", "relu", y);
      case LEAKY_RELU -> g.node("LeakyRelu", "lrelu", y, "alpha", LEAKY_SLOPE);
      case TANH -> g.node("Tanh", "tanh", y);
    };
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    conv.initialize(manager, dataType, inputShapes);
    if (norm != null) {
      norm.initialize(manager, dataType, conv.getOutputShapes(inputShapes));
    }
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return conv.getOutputShapes(inputShapes);
  }
}
