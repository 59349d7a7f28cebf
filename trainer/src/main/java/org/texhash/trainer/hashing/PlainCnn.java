package org.texhash.trainer.hashing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import org.texhash.trainer.nn.ConvUnit;
import org.texhash.trainer.nn.LocalSigns;
import org.texhash.trainer.nn.SignsStemUnit;
import org.texhash.trainer.onnx.OnnxGraph;
import org.texhash.trainer.onnx.OnnxNodes;
import org.texhash.trainer.tsn.TsnPreset;

/**
 * The plain-CNN backbone of the baselines (the paper's DSDH/DPSH/DHCQ rows): trained from scratch
 * with the head, no TSN. A 5x5 stem and one 3x3 stride-2 conv unit per level, with the channels of
 * the TSN taps it replaces, so the head and its size are the same. A deeper variant adds {@code
 * depth - 1} 3x3 stride-1 conv units to every level: more capacity at the same tap shapes, so the
 * head is unchanged. The stem may read {@link LocalSigns} beside the colour ({@link Stem#SIGNS},
 * {@link Stem#SIGNS_1X1}).
 */
public final class PlainCnn extends AbstractBlock implements Backbone {
  /** Deepest variant offered: on the cpu preset depth 2 already triples the multiply-adds. */
  public static final int MAX_DEPTH = 4;

  /** What the stem reads; {@link #id} is the command-line name. */
  public enum Stem {
    /** The patch's colour: the paper's baseline. */
    RGB("rgb"),
    /** The colour and the soft signs of {@link LocalSigns} (19 channels), all through the 5x5. */
    SIGNS("signs"),
    /** The same 19 channels, the signs through a 1x1 convolution: {@link SignsStemUnit}. */
    SIGNS_1X1("signs-1x1");

    private final String id;

    Stem(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }

    public static Stem of(String id) {
      for (Stem s : values()) {
        if (s.id.equals(id)) {
          return s;
        }
      }
      throw new IllegalArgumentException(
          "cnn stem must be one of "
              + java.util.Arrays.stream(values()).map(Stem::id).toList()
              + ", got "
              + id);
    }
  }

  private final int patchSize;
  private final List<Integer> channels;
  private final LocalSigns signs;
  private final List<Block> layers = new ArrayList<>();
  private final List<Integer> tapAfter = new ArrayList<>();

  /** The paper's baseline: one conv unit per level. */
  public PlainCnn(int patchSize, List<Integer> channels) {
    this(patchSize, channels, 1, Stem.RGB);
  }

  /**
   * @param patchSize S, the input's side
   * @param channels the channels of each level's tap, finest first
   * @param depth conv units per level (1 to {@link #MAX_DEPTH}); the first of a level changes its
   *     size (the stem: a 5x5 unit at stride 1, then 3x3 at stride 2), the others keep it
   * @param stem what the stem reads
   */
  public PlainCnn(int patchSize, List<Integer> channels, int depth, Stem stem) {
    super((byte) 1);
    requireDepth(depth);
    this.patchSize = patchSize;
    this.channels = List.copyOf(channels);
    // a parameterless child, added only when used, so the rgb network's checkpoints still load
    signs = stem == Stem.SIGNS ? addChildBlock("signs", new LocalSigns()) : null;
    for (int l = 0; l < channels.size(); l++) {
      int c = channels.get(l);
      // the depth-1 network's block names stay as they were, so its checkpoints still load
      layers.add(
          addChildBlock(
              "level" + l,
              l > 0
                  ? new ConvUnit(c, 3, 2, ConvUnit.Norm.BATCH, ConvUnit.Act.RELU)
                  : stem == Stem.SIGNS_1X1
                      ? new SignsStemUnit(c, 5)
                      : new ConvUnit(c, 5, 1, ConvUnit.Norm.BATCH, ConvUnit.Act.RELU)));
      for (int d = 1; d < depth; d++) {
        layers.add(
            addChildBlock(
                "level" + l + "_" + d,
                new ConvUnit(c, 3, 1, ConvUnit.Norm.BATCH, ConvUnit.Act.RELU)));
      }
      tapAfter.add(layers.size() - 1);
    }
  }

  /** The plain CNN that {@code preset} asks for, with the tap shapes of G under {@code tsn}. */
  static PlainCnn of(HashPreset preset, TsnPreset tsn) {
    return new PlainCnn(
        tsn.patchSize(), preset.cnnChannels(tsn), preset.cnnDepth(), preset.cnnStem());
  }

  /** {@code depth}, if this network can be built that deep. */
  static int requireDepth(int depth) {
    if (depth < 1 || depth > MAX_DEPTH) {
      throw new IllegalArgumentException("cnn depth must be 1 to " + MAX_DEPTH + ", got " + depth);
    }
    return depth;
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
    if (signs != null) {
      h = signs.forward(store, h, training);
    }
    for (int i = 0; i < layers.size(); i++) {
      h = layers.get(i).forward(store, h, training);
      if (tapAfter.contains(i)) {
        out.add(h.singletonOrThrow());
      }
    }
    return out;
  }

  @Override
  public List<String> emitOnnxTaps(OnnxGraph g, String input) {
    List<String> out = new ArrayList<>();
    String h = signs == null ? input : signs.emitOnnx(g, input);
    for (int i = 0; i < layers.size(); i++) {
      // every layer is a ConvUnit or a SignsStemUnit, each with its ONNX nodes
      h = ((OnnxNodes) layers.get(i)).emitOnnx(g, h);
      if (tapAfter.contains(i)) {
        out.add(h);
      }
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
    if (signs != null) {
      signs.initialize(manager, dataType, s);
      s = signs.getOutputShapes(s);
    }
    for (Block c : layers) {
      c.initialize(manager, dataType, s);
      s = c.getOutputShapes(s);
    }
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape[] out = new Shape[tapAfter.size()];
    Shape[] s = signs == null ? inputShapes : signs.getOutputShapes(inputShapes);
    for (int i = 0; i < layers.size(); i++) {
      s = layers.get(i).getOutputShapes(s);
      if (tapAfter.contains(i)) {
        out[tapAfter.indexOf(i)] = s[0];
      }
    }
    return out;
  }
}
