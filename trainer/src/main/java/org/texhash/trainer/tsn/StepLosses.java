package org.texhash.trainer.tsn;

import java.util.Locale;

/**
 * The losses of one training step. {@code generatorTotal = adversarial + 100 l1 + 1 style} (the
 * paper's weights); {@code discriminator} is D's least-squares loss.
 */
public record StepLosses(
    float discriminator, float adversarial, float l1, float style, float generatorTotal) {

  public boolean finite() {
    return Float.isFinite(discriminator)
        && Float.isFinite(adversarial)
        && Float.isFinite(l1)
        && Float.isFinite(style)
        && Float.isFinite(generatorTotal);
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "D %.4f  G adv %.4f  L1 %.4f  style %.4f  G %.3f",
        discriminator,
        adversarial,
        l1,
        style,
        generatorTotal);
  }
}
