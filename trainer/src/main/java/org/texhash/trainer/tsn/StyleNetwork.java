package org.texhash.trainer.tsn;

import ai.djl.ndarray.NDArray;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The feature maps whose Gram matrices define the style loss: images {@code [N, 3, H, W]} in [-1,
 * 1] to a list of {@code [N, C, h, w]} maps. Implementations must let gradients flow back to the
 * image; their own weights are never updated by the style loss.
 */
public interface StyleNetwork {
  /** A short name for logs and checkpoints, e.g. {@code random-3x32-seed7}. */
  String id();

  List<NDArray> features(NDArray images);

  /**
   * Opens the style network a run names by a path ({@code --style FILE}). The TSN only knows
   * TorchScript files ({@link TorchScriptStyleNetwork#load}); a caller that knows other networks
   * (the stage-2 plain CNN) passes its own.
   */
  @FunctionalInterface
  interface Opener {
    StyleNetwork open(Path path) throws IOException;
  }
}
