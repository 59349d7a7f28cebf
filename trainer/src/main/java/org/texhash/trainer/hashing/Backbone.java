package org.texhash.trainer.hashing;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import java.util.List;
import org.texhash.trainer.onnx.OnnxGraph;

/**
 * What the hashing head reads: multi-scale maps of an {@code [N, 3, S, S]} patch, finest first,
 * sizes {@code S, S/2, S/4, ...}.
 */
public interface Backbone {
  /** The {@link BackboneKind#id} (recorded in the exported model). */
  String name();

  int patchSize();

  /** Channels of each tap, finest first. */
  List<Integer> tapChannels();

  List<NDArray> taps(ParameterStore store, NDArray x, boolean training);

  /** Emits the nodes computing the taps in inference mode; their value names, finest first. */
  List<String> emitOnnxTaps(OnnxGraph graph, String input);
}
