package org.texhash.trainer.tsn;

import java.util.Locale;
import java.util.Properties;

/**
 * What a TSN run is: the preset, the number of steps, the seed (parameters, batches and the random
 * style filters all derive from it), the style network ({@code random}, {@code discriminator} or
 * the path of a TorchScript file) and where the input patch sits in its target.
 */
public record TsnTrainingOptions(
    TsnPreset preset, int steps, long seed, String style, TexturePairSampler.CropPolicy crop) {

  public static final String STYLE_RANDOM = "random";
  public static final String STYLE_DISCRIMINATOR = "discriminator";

  public TsnTrainingOptions {
    if (preset == null || crop == null) {
      throw new IllegalArgumentException("preset and crop are required");
    }
    if (steps <= 0) {
      throw new IllegalArgumentException("steps must be > 0, got " + steps);
    }
    if (style == null || style.isBlank()) {
      throw new IllegalArgumentException("style must be random, discriminator or a TorchScript file");
    }
  }

  public static TsnTrainingOptions defaults(TsnPreset preset) {
    return new TsnTrainingOptions(preset, preset.defaultSteps(), 1, STYLE_RANDOM, TexturePairSampler.CropPolicy.CENTER);
  }

  public TsnTrainingOptions withSteps(int n) {
    return new TsnTrainingOptions(preset, n, seed, style, crop);
  }

  public TsnTrainingOptions withStyle(String s) {
    return new TsnTrainingOptions(preset, steps, seed, s, crop);
  }

  public TsnTrainingOptions withSeed(long s) {
    return new TsnTrainingOptions(preset, steps, s, style, crop);
  }

  public TsnTrainingOptions withCrop(TexturePairSampler.CropPolicy c) {
    return new TsnTrainingOptions(preset, steps, seed, style, c);
  }

  Properties toProperties() {
    Properties p = preset.toProperties();
    p.setProperty("steps", Integer.toString(steps));
    p.setProperty("seed", Long.toString(seed));
    p.setProperty("style", style);
    p.setProperty("crop", crop.name().toLowerCase(Locale.ROOT));
    return p;
  }

  /**
   * Checks that a checkpoint was written by a run with the same preset, seed, style and crop (the
   * step count may differ: that is how a run is extended).
   */
  void requireCompatible(Properties checkpoint) {
    TsnPreset saved = TsnPreset.fromProperties(checkpoint);
    check("preset", saved.sameNetwork(preset), saved.toString(), preset.toString());
    check("seed", Long.toString(seed).equals(checkpoint.getProperty("seed")), checkpoint.getProperty("seed"), Long.toString(seed));
    check("style", style.equals(checkpoint.getProperty("style")), checkpoint.getProperty("style"), style);
    String c = crop.name().toLowerCase(Locale.ROOT);
    check("crop", c.equals(checkpoint.getProperty("crop")), checkpoint.getProperty("crop"), c);
  }

  private static void check(String field, boolean ok, String saved, String asked) {
    if (!ok) {
      throw new IllegalArgumentException(
          "cannot resume: the checkpoint's " + field + " is " + saved + ", this run asks for " + asked);
    }
  }
}
