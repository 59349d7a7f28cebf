package org.texhash.trainer.hashing;

import java.awt.image.BufferedImage;
import java.util.Random;
import org.texhash.indexer.dataset.PatchSpec;
import org.texhash.indexer.dataset.QueryTransform;
import org.texhash.trainer.nn.Chw;

/**
 * Random S x S views of a texture region, with some of what a user's photo does to a texture: a
 * slightly different scale (0.8x to 1.25x) or rotation, a quarter turn or mirror, a little more or
 * less light and contrast, defocus blur and JPEG. Two views of one region are a positive pair for
 * the label-free objective. The changes are the query transforms of the evaluation ({@link
 * QueryTransform}), so training sees the same operations the robustness benchmark measures, with
 * random amounts.
 */
public final class ViewAugmentation {
  // Mild on purpose: the first recipe (0.5x-2x scale half the time, brightness 0.6-1.4 and
  // contrast 0.5-1.5 on 80% of views, a dihedral turn on every view) taught invariance to the very
  // cues (colour, scale, orientation) that tell two textures apart, and its codes fell below
  // LBP + LSH even on the textures it trained on (docs/RESULTS.md). The views of a pair differ
  // mainly in where they lie on the texture.
  private static final double MIN_SCALE = 0.8;
  private static final double MAX_SCALE = 1.25;
  private static final double P_SCALE = 0.3;
  private static final double P_ROTATE = 0.1;
  private static final double P_DIHEDRAL = 0.25;
  private static final double P_PHOTOMETRIC = 0.5;

  /** Brightness and contrast factors of the mild views: 1 +- this. */
  public static final double MILD_LIGHT = 0.15;

  /** The same for relit views: a photo taken in other light, 0.6x to 1.4x. */
  public static final double STRONG_LIGHT = 0.4;

  private static final double P_BLUR = 0.1;
  private static final double P_JPEG = 0.1;

  private final int size;
  private final double light;

  /** Mild views of S x S = {@code size}. */
  public ViewAugmentation(int size) {
    this(size, MILD_LIGHT);
  }

  /**
   * @param light brightness and contrast factors are drawn from 1 +- this (on half the views)
   */
  public ViewAugmentation(int size, double light) {
    if (!(light >= 0 && light < 1)) {
      throw new IllegalArgumentException("light must be in [0, 1), got " + light);
    }
    this.size = size;
    this.light = light;
  }

  /**
   * A view of {@code region} drawn from {@code rnd}; the region must be at least 2 S on each side
   * for 0.5x.
   */
  public Chw view(BufferedImage region, Random rnd) {
    int x = rnd.nextInt(region.getWidth() - size + 1);
    int y = rnd.nextInt(region.getHeight() - size + 1);
    PatchSpec at = new PatchSpec("region", 0, x, y, size, 0, "view", PatchSpec.Role.TRAIN);
    double g = rnd.nextDouble();
    // scale and rotation need room around the patch; small regions fall back to a plain crop
    BufferedImage patch;
    if (g < P_SCALE && fits(region, size / MIN_SCALE)) {
      double f = Math.exp(Math.log(MIN_SCALE) + rnd.nextDouble() * Math.log(MAX_SCALE / MIN_SCALE));
      patch = apply(QueryTransform.Kind.SCALE, f, region, at);
    } else if (g < P_SCALE + P_ROTATE && fits(region, size * Math.sqrt(2) + 4)) {
      patch = apply(QueryTransform.Kind.ROTATE, 360 * rnd.nextDouble(), region, at);
    } else {
      patch = apply(QueryTransform.Kind.IDENTITY, 0, region, at);
    }
    PatchSpec whole = new PatchSpec("view", 0, 0, 0, size, 0, "view", PatchSpec.Role.TRAIN);
    if (rnd.nextDouble() < P_PHOTOMETRIC) {
      patch =
          apply(
              QueryTransform.Kind.BRIGHTNESS, 1 + light * (2 * rnd.nextDouble() - 1), patch, whole);
      patch =
          apply(QueryTransform.Kind.CONTRAST, 1 + light * (2 * rnd.nextDouble() - 1), patch, whole);
    }
    if (rnd.nextDouble() < P_BLUR) {
      patch = apply(QueryTransform.Kind.BLUR, 0.5 + 0.5 * rnd.nextDouble(), patch, whole);
    }
    if (rnd.nextDouble() < P_JPEG) {
      patch = apply(QueryTransform.Kind.JPEG, 50 + rnd.nextInt(41), patch, whole);
    }
    Chw view = Chw.of(patch);
    return rnd.nextDouble() < P_DIHEDRAL ? view.dihedral(1 + rnd.nextInt(7)) : view;
  }

  private boolean fits(BufferedImage region, double window) {
    return Math.min(region.getWidth(), region.getHeight()) >= Math.ceil(window);
  }

  private BufferedImage apply(
      QueryTransform.Kind kind, double amount, BufferedImage image, PatchSpec at) {
    return new QueryTransform(kind, amount).apply(image, at, size);
  }
}
