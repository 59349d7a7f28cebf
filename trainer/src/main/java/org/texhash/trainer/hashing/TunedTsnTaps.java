package org.texhash.trainer.hashing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.List;
import org.texhash.trainer.onnx.OnnxGraph;
import org.texhash.trainer.tsn.TsnGenerator;

/**
 * The taps of {@link TsnTaps} with G's map path trained together with the head (a departure from
 * the paper, whose G stays frozen): G starts from its synthesis training and becomes a child block,
 * so its parameters take gradients, are saved in checkpoints and exported with the head. G's batch
 * normalisation behaves as in the plain CNN (batch statistics while training). The output layers,
 * which no tap reads, stay frozen.
 */
public final class TunedTsnTaps extends AbstractBlock implements Backbone {
  private final TsnGenerator generator;
  private final TsnTaps taps;

  public TunedTsnTaps(TsnGenerator generator) {
    super((byte) 1);
    this.taps = new TsnTaps(generator); // freezes G; the map path is unfrozen below
    this.generator = addChildBlock("generator", generator);
    generator.trainMapsOnly();
  }

  public TsnGenerator generator() {
    return generator;
  }

  @Override
  public String name() {
    return BackboneKind.TUNED_TSN.id();
  }

  @Override
  public int patchSize() {
    return taps.patchSize();
  }

  @Override
  public List<Integer> tapChannels() {
    return taps.tapChannels();
  }

  @Override
  public List<NDArray> taps(ParameterStore store, NDArray x, boolean training) {
    return TsnTaps.concatenate(generator.forwardMaps(store, x, training));
  }

  @Override
  public List<String> emitOnnxTaps(OnnxGraph graph, String input) {
    return taps.emitOnnxTaps(graph, input);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(taps(store, inputs.singletonOrThrow(), training));
  }

  /** Nothing to initialise: G comes trained. */
  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {}

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return tapShapes(inputShapes[0]);
  }
}
