package org.texhash.trainer.tsn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.texhash.trainer.nn.ConvUnit;
import org.texhash.trainer.nn.ResidualUnit;
import org.texhash.trainer.nn.UpsampleUnit;
import org.texhash.trainer.onnx.OnnxGraph;

/**
 * The generator G of the texture synthesis network: an {@code [N, 3, S, S]} patch in [-1, 1] to an
 * {@code [N, 3, 2S, 2S]} expansion.
 *
 * <pre>
 * stem      ConvUnit 5x5            S      -> S        c(0)      encoder map, level 0
 * down[l]   ConvUnit 3x3 stride 2   S/2^(l-1) -> S/2^l c(l)      encoder map, level l = 1..n
 * res[i]    ResidualUnit            S/2^n              c(n)      (middle; its output is the decoder map of level n)
 * up[l]     UpsampleUnit            S/2^(l+1) -> S/2^l c(l)      decoder map, level l = n-1..0
 * outer     UpsampleUnit            S      -> 2S       c(0)/2    the extra upsampling step
 * head      ConvUnit 3x3 + tanh     2S                 3
 * </pre>
 *
 * With {@link InputSkip#MIRROR} the head reads the outer map concatenated with the input mirror
 * padded and tiled to 2S (6 more channels), has no tanh, and its output is added to the mirror
 * padding (clipped to [-1, 1] at inference); the encoder and decoder maps keep their shapes.
 *
 * <p>Every unit but the head is conv + batch normalisation + ReLU. The encoder and decoder maps of
 * each level have equal size and channels, so stage 2 can concatenate them pairwise ({@link
 * #forwardWithMaps}). G is fully convolutional: any input whose sides are multiples of {@code 2^n}
 * gives an output twice as large.
 */
public final class TsnGenerator extends AbstractBlock {
  private final TsnPreset preset;
  private final ConvUnit stem;
  private final List<ConvUnit> down = new ArrayList<>();
  private final List<ResidualUnit> middle = new ArrayList<>();
  private final List<UpsampleUnit> up = new ArrayList<>(); // up.get(k) produces level n-1-k
  private final UpsampleUnit outer;
  private final ConvUnit head;

  public TsnGenerator(TsnPreset preset) {
    super((byte) 1);
    this.preset = preset;
    int n = preset.downsamplings();
    stem =
        addChildBlock(
            "stem",
            new ConvUnit(preset.channelsAt(0), 5, 1, ConvUnit.Norm.BATCH, ConvUnit.Act.RELU));
    for (int l = 1; l <= n; l++) {
      down.add(
          addChildBlock(
              "down" + l,
              new ConvUnit(preset.channelsAt(l), 3, 2, ConvUnit.Norm.BATCH, ConvUnit.Act.RELU)));
    }
    for (int i = 1; i <= preset.residualBlocks(); i++) {
      middle.add(addChildBlock("res" + i, new ResidualUnit(preset.channelsAt(n))));
    }
    for (int l = n - 1; l >= 0; l--) {
      up.add(addChildBlock("up" + l, new UpsampleUnit(preset.channelsAt(l))));
    }
    outer = addChildBlock("outer", new UpsampleUnit(preset.outerChannels()));
    ConvUnit.Act headAct =
        preset.inputSkip() == InputSkip.NONE ? ConvUnit.Act.TANH : ConvUnit.Act.NONE;
    head = addChildBlock("head", new ConvUnit(3, 3, 1, ConvUnit.Norm.NONE, headAct));
  }

  public TsnPreset preset() {
    return preset;
  }

  /**
   * One level's pair of maps, both {@code [N, channels, size, size]}: the encoder's (local, from
   * the input) and the decoder's (what G synthesises from it).
   */
  public record MapPair(int level, NDArray encoder, NDArray decoder) {}

  /** G's output and its encoder/decoder map pairs, finest level (0, size S) first. */
  public record Maps(NDArray output, List<MapPair> pairs) {}

  public Maps forwardWithMaps(ParameterStore store, NDArray x, boolean training) {
    List<MapPair> pairs = forwardMaps(store, x, training);
    NDArray top =
        outer.forward(store, new NDList(pairs.get(0).decoder()), training).singletonOrThrow();
    return new Maps(output(store, x, top, training), pairs);
  }

  /** The map pairs alone (finest first), without the output layers: what stage 2 reads. */
  public List<MapPair> forwardMaps(ParameterStore store, NDArray x, boolean training) {
    int n = preset.downsamplings();
    requireInput(x.getShape());
    List<NDArray> encoder = new ArrayList<>(n + 1);
    NDList h = stem.forward(store, new NDList(x), training);
    encoder.add(h.singletonOrThrow());
    for (ConvUnit d : down) {
      h = d.forward(store, h, training);
      encoder.add(h.singletonOrThrow());
    }
    for (ResidualUnit r : middle) {
      h = r.forward(store, h, training);
    }
    NDArray[] decoder = new NDArray[n + 1];
    decoder[n] = h.singletonOrThrow();
    for (int k = 0; k < up.size(); k++) {
      h = up.get(k).forward(store, h, training);
      decoder[n - 1 - k] = h.singletonOrThrow();
    }
    List<MapPair> pairs = new ArrayList<>(n + 1);
    for (int l = 0; l <= n; l++) {
      pairs.add(new MapPair(l, encoder.get(l), decoder[l]));
    }
    return Collections.unmodifiableList(pairs);
  }

  /** ONNX names of one level's (encoder, decoder) maps. */
  public record MapNames(String encoder, String decoder) {}

  /**
   * Emits the nodes of {@link #forwardMaps} (inference mode) reading {@code input}; finest first.
   */
  public List<MapNames> emitOnnxMaps(OnnxGraph g, String input) {
    int n = preset.downsamplings();
    List<String> encoder = new ArrayList<>(n + 1);
    String h = stem.emitOnnx(g, input);
    encoder.add(h);
    for (ConvUnit d : down) {
      h = d.emitOnnx(g, h);
      encoder.add(h);
    }
    for (ResidualUnit r : middle) {
      h = r.emitOnnx(g, h);
    }
    String[] decoder = new String[n + 1];
    decoder[n] = h;
    for (int k = 0; k < up.size(); k++) {
      h = up.get(k).emitOnnx(g, h);
      decoder[n - 1 - k] = h;
    }
    List<MapNames> out = new ArrayList<>(n + 1);
    for (int l = 0; l <= n; l++) {
      out.add(new MapNames(encoder.get(l), decoder[l]));
    }
    return out;
  }

  private NDArray output(ParameterStore store, NDArray x, NDArray top, boolean training) {
    if (preset.inputSkip() == InputSkip.NONE) {
      return head.forward(store, new NDList(top), training).singletonOrThrow();
    }
    NDArray mirror = InputSkip.mirror2x(x);
    NDArray features =
        ai.djl.ndarray.NDArrays.concat(new NDList(top, mirror, InputSkip.tile2x(x)), 1);
    NDArray out =
        mirror.add(head.forward(store, new NDList(features), training).singletonOrThrow());
    // no clip while training: a clipped pixel would get no gradient back into range
    return training ? out : out.clip(-1f, 1f);
  }

  /**
   * Makes the map path (stem to the finest decoder map) trainable and keeps the output layers,
   * which {@link #forwardMaps} does not run, frozen: they would get no gradient.
   */
  public void trainMapsOnly() {
    // batch-norm statistics are updated by the forward pass, never by gradients
    freezeParameters(
        false,
        p ->
            p.getType() != Parameter.Type.RUNNING_MEAN
                && p.getType() != Parameter.Type.RUNNING_VAR);
    outer.freezeParameters(true);
    head.freezeParameters(true);
  }

  /**
   * With an input skip, zeroes the head's parameters, so that a new G is exactly mirror padding and
   * learns a correction from there (as residual branches are often started at zero).
   */
  void zeroCorrectionHead() {
    if (preset.inputSkip() != InputSkip.NONE) {
      for (var p : head.getParameters()) {
        NDArray w = p.getValue().getArray();
        w.subi(w);
      }
    }
  }

  private void requireInput(Shape s) {
    int m = 1 << preset.downsamplings();
    if (s.dimension() != 4
        || s.get(1) != 3
        || s.get(2) % m != 0
        || s.get(3) % m != 0
        || s.get(2) == 0) {
      throw new IllegalArgumentException(
          "G expects [N, 3, H, W] with H and W multiples of " + m + ", got " + s);
    }
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(forwardWithMaps(store, inputs.singletonOrThrow(), training).output());
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape[] s = inputShapes;
    for (var child : getChildren().values()) {
      if (child == head && preset.inputSkip() != InputSkip.NONE) {
        Shape t = s[0];
        s =
            new Shape[] {
              new Shape(
                  t.get(0), t.get(1) + preset.inputSkip().headExtraChannels(), t.get(2), t.get(3))
            };
      }
      child.initialize(manager, dataType, s);
      s = child.getOutputShapes(s);
    }
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape s = inputShapes[0];
    return new Shape[] {new Shape(s.get(0), 3, s.get(2) * 2, s.get(3) * 2)};
  }
}
