package org.texhash.trainer.nn;

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
 * {@code x + norm(conv(relu(norm(conv(x)))))}, channels and size kept. ONNX: two {@link ConvUnit}s
 * and an {@code Add}.
 */
public final class ResidualUnit extends AbstractBlock implements OnnxNodes {
  private final ConvUnit first;
  private final ConvUnit second;

  public ResidualUnit(int channels) {
    super((byte) 1);
    first =
        addChildBlock(
            "conv1", new ConvUnit(channels, 3, 1, ConvUnit.Norm.BATCH, ConvUnit.Act.RELU));
    second =
        addChildBlock(
            "conv2", new ConvUnit(channels, 3, 1, ConvUnit.Norm.BATCH, ConvUnit.Act.NONE));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDList h = second.forward(store, first.forward(store, inputs, training), training);
    return new NDList(inputs.singletonOrThrow().add(h.singletonOrThrow()));
  }

  @Override
  public String emitOnnx(OnnxGraph g, String input) {
    String h = second.emitOnnx(g, first.emitOnnx(g, input));
    return g.node("Add", "res", new String[] {input, h});
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    first.initialize(manager, dataType, inputShapes);
    second.initialize(manager, dataType, first.getOutputShapes(inputShapes));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }
}
