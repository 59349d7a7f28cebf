package org.texhash.trainer.tsn;

import ai.djl.ndarray.NDArray;
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
}
