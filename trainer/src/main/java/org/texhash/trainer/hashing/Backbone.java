package org.texhash.trainer.hashing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
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

  /** Shapes of the taps for input {@code x}: level l has {@code S / 2^l} on a side. */
  default Shape[] tapShapes(Shape x) {
    List<Integer> c = tapChannels();
    Shape[] s = new Shape[c.size()];
    for (int l = 0; l < s.length; l++) {
      s[l] = new Shape(x.get(0), c.get(l), x.get(2) >> l, x.get(3) >> l);
    }
    return s;
  }

  /** Emits the nodes computing the taps in inference mode; their value names, finest first. */
  List<String> emitOnnxTaps(OnnxGraph graph, String input);
}
