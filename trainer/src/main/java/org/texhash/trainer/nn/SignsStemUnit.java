package org.texhash.trainer.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.texhash.trainer.onnx.OnnxGraph;
import org.texhash.trainer.onnx.OnnxNodes;

/**
 * A first unit that reads the {@link LocalSigns} at a tenth of the cost of convolving them: a
 * {@link ConvUnit} over the colour, plus a 1x1 convolution over the colour and its signs added to
 * that unit's convolution before its normalisation. The same function as one convolution over all
 * 19 channels whose sign weights are zero away from the centre: each output pixel weighs the signs
 * around itself, as an LBP code does, and the next units combine neighbouring pixels. On the {@code
 * cpu} preset (5x5, 32 filters, 64x64 patches) it costs 17 million multiply-adds, the signs
 * included, against 67 million for the 5x5 convolution over all 19 channels and 10 million for the
 * colour alone.
 *
 * <p>ONNX: the unit's {@code Conv}, the signs' nodes, a 1x1 {@code Conv}, {@code Add}, then the
 * unit's normalisation and activation.
 */
public final class SignsStemUnit extends AbstractBlock implements OnnxNodes {
  private final ConvUnit colour;
  private final LocalSigns signs;
  private final Conv2d pointwise;

  /**
   * @param filters output channels
   * @param kernel the colour convolution's square kernel (stride 1, batch norm, ReLU)
   */
  public SignsStemUnit(int filters, int kernel) {
    super((byte) 1);
    colour =
        addChildBlock(
            "colour", new ConvUnit(filters, kernel, 1, ConvUnit.Norm.BATCH, ConvUnit.Act.RELU));
    signs = addChildBlock("signs", new LocalSigns());
    // no bias: the batch norm that follows would cancel it
    pointwise =
        addChildBlock(
            "pointwise",
            Conv2d.builder()
                .setKernelShape(new Shape(1, 1))
                .setFilters(filters)
                .optBias(false)
                .build());
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray side =
        pointwise
            .forward(store, signs.forward(store, inputs, training), training)
            .singletonOrThrow();
    return colour.forwardWithAddend(store, inputs.singletonOrThrow(), side, training);
  }

  @Override
  public String emitOnnx(OnnxGraph g, String input) {
    String side =
        g.node(
            "Conv",
            "pointwise",
            new String[] {
              signs.emitOnnx(g, input),
              g.weight("pointwise_w", pointwise.getParameters().get("weight").getArray())
            },
            "kernel_shape",
            new long[] {1, 1});
    String sum = g.node("Add", "stem_add", new String[] {colour.emitConv(g, input), side});
    return colour.emitNormAndActivation(g, sum);
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    colour.initialize(manager, dataType, inputShapes);
    signs.initialize(manager, dataType, inputShapes);
    pointwise.initialize(manager, dataType, signs.getOutputShapes(inputShapes));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return colour.getOutputShapes(inputShapes);
  }
}
