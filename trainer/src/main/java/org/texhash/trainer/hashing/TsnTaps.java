package org.texhash.trainer.hashing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import org.texhash.trainer.onnx.OnnxGraph;
import org.texhash.trainer.tsn.TsnGenerator;

/**
 * Feature taps on a trained, frozen G (the paper's section 3.2): for each level, G's encoder map
 * and decoder map of that size concatenated along channels. G always runs in inference mode
 * (batch-norm running statistics) and its parameters take no gradient.
 */
public final class TsnTaps implements Backbone {
  private final TsnGenerator generator;

  public TsnTaps(TsnGenerator generator) {
    this.generator = generator;
    generator.freezeParameters(true);
  }

  public TsnGenerator generator() {
    return generator;
  }

  @Override
  public String name() {
    return BackboneKind.TSN.id();
  }

  @Override
  public int patchSize() {
    return generator.preset().patchSize();
  }

  @Override
  public List<Integer> tapChannels() {
    List<Integer> c = new ArrayList<>();
    for (int l = 0; l <= generator.preset().downsamplings(); l++) {
      c.add(2 * generator.preset().channelsAt(l));
    }
    return c;
  }

  @Override
  public List<NDArray> taps(ParameterStore store, NDArray x, boolean training) {
    return concatenate(generator.forwardMaps(store, x, false));
  }

  /** Each level's encoder and decoder maps concatenated along channels, finest first. */
  static List<NDArray> concatenate(List<TsnGenerator.MapPair> pairs) {
    List<NDArray> out = new ArrayList<>();
    for (TsnGenerator.MapPair p : pairs) {
      out.add(NDArrays.concat(new NDList(p.encoder(), p.decoder()), 1));
    }
    return out;
  }

  @Override
  public List<String> emitOnnxTaps(OnnxGraph g, String input) {
    List<String> out = new ArrayList<>();
    for (TsnGenerator.MapNames m : generator.emitOnnxMaps(g, input)) {
      out.add(g.node("Concat", "tap", new String[] {m.encoder(), m.decoder()}, "axis", 1L));
    }
    return out;
  }
}
