package org.texhash.trainer.hashing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import org.texhash.trainer.nn.ConvUnit;
import org.texhash.trainer.onnx.OnnxGraph;

/**
 * The plain-CNN backbone of the baselines (the paper's DSDH/DPSH/DHCQ rows): trained from scratch
 * with the head, no TSN. A 5x5 stem and one 3x3 stride-2 conv unit per level, with the channels of
 * the TSN taps it replaces, so the head and its size are the same.
 */
public final class PlainCnn extends AbstractBlock implements Backbone {
  private final int patchSize;
  private final List<Integer> channels;
  private final List<ConvUnit> layers = new ArrayList<>();

  public PlainCnn(int patchSize, List<Integer> channels) {
    super((byte) 1);
    this.patchSize = patchSize;
    this.channels = List.copyOf(channels);
    for (int l = 0; l < channels.size(); l++) {
      layers.add(
          addChildBlock(
              "level" + l,
              l == 0
                  ? new ConvUnit(channels.get(0), 5, 1, ConvUnit.Norm.BATCH, ConvUnit.Act.RELU)
                  : new ConvUnit(channels.get(l), 3, 2, ConvUnit.Norm.BATCH, ConvUnit.Act.RELU)));
    }
  }

  @Override
  public String name() {
    return BackboneKind.CNN.id();
  }

  @Override
  public int patchSize() {
    return patchSize;
  }

  @Override
  public List<Integer> tapChannels() {
    return channels;
  }

  @Override
  public List<NDArray> taps(ParameterStore store, NDArray x, boolean training) {
    List<NDArray> out = new ArrayList<>();
    NDList h = new NDList(x);
    for (ConvUnit c : layers) {
      h = c.forward(store, h, training);
      out.add(h.singletonOrThrow());
    }
    return out;
  }

  @Override
  public List<String> emitOnnxTaps(OnnxGraph g, String input) {
    List<String> out = new ArrayList<>();
    String h = input;
    for (ConvUnit c : layers) {
      h = c.emitOnnx(g, h);
      out.add(h);
    }
    return out;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(taps(store, inputs.singletonOrThrow(), training));
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape[] s = inputShapes;
    for (ConvUnit c : layers) {
      c.initialize(manager, dataType, s);
      s = c.getOutputShapes(s);
    }
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape[] out = new Shape[layers.size()];
    Shape[] s = inputShapes;
    for (int l = 0; l < layers.size(); l++) {
      s = layers.get(l).getOutputShapes(s);
      out[l] = s[0];
    }
    return out;
  }
}
