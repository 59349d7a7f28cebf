package org.texhash.trainer.tsn;

import java.util.Locale;
import java.util.Properties;

/**
 * What a TSN run is: the preset, the number of steps, the seed (parameters, batches and the random
 * style filters all derive from it), the style network ({@code random}, {@code discriminator} or a
 * path: a TorchScript file, or a network the run's {@link StyleNetwork.Opener} reads), where the
 * input patch sits in its target, the weights of the three terms of G's loss (the paper's Table 2
 * trains G with some of them set to 0), and whether D's convolutions are spectrally normalised.
 */
public record TsnTrainingOptions(
    TsnPreset preset,
    int steps,
    long seed,
    String style,
    TexturePairSampler.CropPolicy crop,
    float l1Weight,
    float styleWeight,
    float adversarialWeight,
    boolean spectralNorm) {

  public static final String STYLE_RANDOM = "random";
  public static final String STYLE_DISCRIMINATOR = "discriminator";
  public static final float DEFAULT_L1_WEIGHT = 100f;
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
          "style must be random, discriminator or a path (a stage-2 CNN run or a TorchScript"
              + " file)");
    }
    if (!(finiteNonNegative(l1Weight)
        && finiteNonNegative(styleWeight)
        && finiteNonNegative(adversarialWeight))) {
      throw new IllegalArgumentException(
          "loss weights must be finite and >= 0, got L1 "
              + l1Weight
              + ", style "
              + styleWeight
              + ", adversarial "
              + adversarialWeight);
    }
    if (l1Weight + styleWeight + adversarialWeight == 0) {
      throw new IllegalArgumentException("at least one loss weight must be > 0");
    }
  }

  public static TsnTrainingOptions defaults(TsnPreset preset) {
    return new TsnTrainingOptions(
        preset,
        preset.defaultSteps(),
        1,
        STYLE_RANDOM,
        TexturePairSampler.CropPolicy.CENTER,
        DEFAULT_L1_WEIGHT,
        DEFAULT_STYLE_WEIGHT,
        DEFAULT_ADVERSARIAL_WEIGHT,
        false);
  }

  public TsnTrainingOptions withSteps(int n) {
    return new TsnTrainingOptions(
        preset, n, seed, style, crop, l1Weight, styleWeight, adversarialWeight, spectralNorm);
  }

  public TsnTrainingOptions withStyle(String s) {
    return new TsnTrainingOptions(
        preset, steps, seed, s, crop, l1Weight, styleWeight, adversarialWeight, spectralNorm);
  }

  public TsnTrainingOptions withSeed(long s) {
    return new TsnTrainingOptions(
        preset, steps, s, style, crop, l1Weight, styleWeight, adversarialWeight, spectralNorm);
  }

  public TsnTrainingOptions withCrop(TexturePairSampler.CropPolicy c) {
    return new TsnTrainingOptions(
        preset, steps, seed, style, c, l1Weight, styleWeight, adversarialWeight, spectralNorm);
  }

  public TsnTrainingOptions withWeights(float l1, float style, float adversarial) {
    return new TsnTrainingOptions(
        preset, steps, seed, this.style, crop, l1, style, adversarial, spectralNorm);
  }

  public TsnTrainingOptions withSpectralNorm(boolean on) {
    return new TsnTrainingOptions(
        preset, steps, seed, style, crop, l1Weight, styleWeight, adversarialWeight, on);
  }

  private static boolean finiteNonNegative(float w) {
    return w >= 0 && !Float.isInfinite(w);
  }

  Properties toProperties() {
    Properties p = preset.toProperties();
    p.setProperty("steps", Integer.toString(steps));
    p.setProperty("seed", Long.toString(seed));
    p.setProperty("style", style);
    p.setProperty("crop", crop.name().toLowerCase(Locale.ROOT));
    p.setProperty("l1Weight", Float.toString(l1Weight));
    p.setProperty("styleWeight", Float.toString(styleWeight));
    p.setProperty("adversarialWeight", Float.toString(adversarialWeight));
    p.setProperty("spectralNorm", Boolean.toString(spectralNorm));
    return p;
  }

  /**
   * Checks that a checkpoint was written by a run with the same preset, seed, style, crop, loss
   * weights and D (the step count may differ: that is how a run is extended).
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
    checkWeight(checkpoint, "l1Weight", "L1 weight", DEFAULT_L1_WEIGHT, l1Weight);
    checkWeight(checkpoint, "styleWeight", "style weight", DEFAULT_STYLE_WEIGHT, styleWeight);
    checkWeight(
        checkpoint,
        "adversarialWeight",
        "adversarial weight",
        DEFAULT_ADVERSARIAL_WEIGHT,
        adversarialWeight);
    // checkpoints written before the option existed had a plain D
    String sn = checkpoint.getProperty("spectralNorm", "false");
    check(
        "spectral normalisation of D",
        Boolean.toString(spectralNorm).equals(sn),
        sn,
        Boolean.toString(spectralNorm));
  }

  private static void checkWeight(
      Properties checkpoint, String key, String field, float defaultWeight, float asked) {
    String saved = checkpoint.getProperty(key, Float.toString(defaultWeight));
    check(field, Float.toString(asked).equals(saved), saved, Float.toString(asked));
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
