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
 * resize + conv also avoids the checkerboard artefacts of strided deconvolution. ONNX: {@code
 * Resize} (mode nearest, scales [1, 1, 2, 2]) + {@link ConvUnit}.
 */
public final class UpsampleUnit extends AbstractBlock implements OnnxNodes {
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
   * Resize (nearest, floor of asymmetric coordinates: each pixel repeated 2 x 2) + the conv unit.
   */
  @Override
  public String emitOnnx(OnnxGraph g, String input) {
    String scales = g.floats("up_scales", new float[] {1, 1, 2, 2}, 4);
    String y =
        g.node(
            "Resize",
            "up",
            new String[] {input, "", scales},
            "mode",
            "nearest",
            "coordinate_transformation_mode",
            "asymmetric",
            "nearest_mode",
            "floor");
    return conv.emitOnnx(g, y);
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
