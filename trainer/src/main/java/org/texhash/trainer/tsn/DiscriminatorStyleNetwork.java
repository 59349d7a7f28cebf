package org.texhash.trainer.tsn;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import java.util.List;

/**
 * The alternative style network: the discriminator's own hidden feature maps (every layer but the
 * score). They adapt during training (unlike the random filters), so the style loss follows what D
 * currently finds characteristic; the gradients this puts on D are discarded before D's own step.
 */
public final class DiscriminatorStyleNetwork implements StyleNetwork {
  private final PatchDiscriminator discriminator;
  private final ParameterStore store;

  public DiscriminatorStyleNetwork(PatchDiscriminator discriminator, ParameterStore store) {
    this.discriminator = discriminator;
    this.store = store;
  }

  @Override
  public String id() {
    return "discriminator";
  }

  @Override
  public List<NDArray> features(NDArray images) {
    List<NDArray> f = discriminator.features(store, images, true);
    return f.subList(0, f.size() - 1);
  }
}
