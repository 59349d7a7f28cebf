package org.texhash.trainer.tsn;

import java.util.Locale;
import java.util.Properties;

/**
 * What a TSN run is: the preset, the number of steps, the seed (parameters, batches and the random
 * style filters all derive from it), the style network ({@code random}, {@code discriminator} or
 * the path of a TorchScript file), where the input patch sits in its target, and the weights of the
 * style and adversarial terms in G's loss (the L1 weight is fixed at {@value
 * TsnTrainer#L1_WEIGHT}).
 */
public record TsnTrainingOptions(
    TsnPreset preset,
    int steps,
    long seed,
    String style,
    TexturePairSampler.CropPolicy crop,
    float styleWeight,
    float adversarialWeight) {

  public static final String STYLE_RANDOM = "random";
  public static final String STYLE_DISCRIMINATOR = "discriminator";
  public static final float DEFAULT_STYLE_WEIGHT = 1f;
  public static final float DEFAULT_ADVERSARIAL_WEIGHT = 1f;

  public TsnTrainingOptions {
    if (preset == null || crop == null) {
      throw new IllegalArgumentException("preset and crop are required");
    }
    if (steps <= 0) {
      throw new IllegalArgumentException("steps must be > 0, got " + steps);
    }
    if (style == null || style.isBlank()) {
      throw new IllegalArgumentException(
          "style must be random, discriminator or a TorchScript file");
    }
    if (!(styleWeight >= 0 && adversarialWeight >= 0)
        || Float.isInfinite(styleWeight)
        || Float.isInfinite(adversarialWeight)) {
      throw new IllegalArgumentException(
          "loss weights must be finite and >= 0, got style "
              + styleWeight
              + ", adversarial "
              + adversarialWeight);
    }
  }

  public static TsnTrainingOptions defaults(TsnPreset preset) {
    return new TsnTrainingOptions(
        preset,
        preset.defaultSteps(),
        1,
        STYLE_RANDOM,
        TexturePairSampler.CropPolicy.CENTER,
        DEFAULT_STYLE_WEIGHT,
        DEFAULT_ADVERSARIAL_WEIGHT);
  }

  public TsnTrainingOptions withSteps(int n) {
    return new TsnTrainingOptions(preset, n, seed, style, crop, styleWeight, adversarialWeight);
  }

  public TsnTrainingOptions withStyle(String s) {
    return new TsnTrainingOptions(preset, steps, seed, s, crop, styleWeight, adversarialWeight);
  }

  public TsnTrainingOptions withSeed(long s) {
    return new TsnTrainingOptions(preset, steps, s, style, crop, styleWeight, adversarialWeight);
  }

  public TsnTrainingOptions withCrop(TexturePairSampler.CropPolicy c) {
    return new TsnTrainingOptions(preset, steps, seed, style, c, styleWeight, adversarialWeight);
  }

  public TsnTrainingOptions withWeights(float style, float adversarial) {
    return new TsnTrainingOptions(preset, steps, seed, this.style, crop, style, adversarial);
  }

  Properties toProperties() {
    Properties p = preset.toProperties();
    p.setProperty("steps", Integer.toString(steps));
    p.setProperty("seed", Long.toString(seed));
    p.setProperty("style", style);
    p.setProperty("crop", crop.name().toLowerCase(Locale.ROOT));
    p.setProperty("styleWeight", Float.toString(styleWeight));
    p.setProperty("adversarialWeight", Float.toString(adversarialWeight));
    return p;
  }

  /**
   * Checks that a checkpoint was written by a run with the same preset, seed, style, crop and loss
   * weights (the step count may differ: that is how a run is extended).
   */
  void requireCompatible(Properties checkpoint) {
    TsnPreset saved = TsnPreset.fromProperties(checkpoint);
    check("preset", saved.sameNetwork(preset), saved.toString(), preset.toString());
    check(
        "seed",
        Long.toString(seed).equals(checkpoint.getProperty("seed")),
        checkpoint.getProperty("seed"),
        Long.toString(seed));
    check(
        "style",
        style.equals(checkpoint.getProperty("style")),
        checkpoint.getProperty("style"),
        style);
    String c = crop.name().toLowerCase(Locale.ROOT);
    check("crop", c.equals(checkpoint.getProperty("crop")), checkpoint.getProperty("crop"), c);
    // checkpoints written before the weights were options used the defaults
    String sw = checkpoint.getProperty("styleWeight", Float.toString(DEFAULT_STYLE_WEIGHT));
    check("style weight", Float.toString(styleWeight).equals(sw), sw, Float.toString(styleWeight));
    String aw =
        checkpoint.getProperty("adversarialWeight", Float.toString(DEFAULT_ADVERSARIAL_WEIGHT));
    check(
        "adversarial weight",
        Float.toString(adversarialWeight).equals(aw),
        aw,
        Float.toString(adversarialWeight));
  }

  private static void check(String field, boolean ok, String saved, String asked) {
    if (!ok) {
      throw new IllegalArgumentException(
          "cannot resume: the checkpoint's "
              + field
              + " is "
              + saved
              + ", this run asks for "
              + asked);
    }
  }
}
