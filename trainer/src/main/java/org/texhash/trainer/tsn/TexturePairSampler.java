package org.texhash.trainer.tsn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.texhash.trainer.nn.Chw;

/**
 * Stage-1 training pairs: a random 2S x 2S crop of a training region (randomly flipped / rotated by
 * a multiple of 90 degrees) as the target, and an S x S crop inside it as G's input.
 *
 * <p>The batch of step t is a pure function of (seed, t): a run resumed at step t sees exactly the
 * batches it would have seen without the interruption, and no random generator state needs to be
 * checkpointed.
 */
public final class TexturePairSampler {
  /** Where the S x S input sits inside its 2S x 2S target. */
  public enum CropPolicy {
    /**
     * In the middle, as in Zhou et al. (the paper's [56]): G learns to keep the input and grow it
     * outwards.
     */
    CENTER,
    /** Anywhere inside (the paper's literal wording); the position is not given to G. */
    RANDOM
  }

  /** One batch: inputs {@code [B, 3, S, S]} and targets {@code [B, 3, 2S, 2S]}, row major. */
  public record Batch(int size, int patchSize, float[] inputs, float[] targets) {
    public NDArray inputs(NDManager manager) {
      return manager.create(inputs, new Shape(size, 3, patchSize, patchSize));
    }

    public NDArray targets(NDManager manager) {
      return manager.create(targets, new Shape(size, 3, 2L * patchSize, 2L * patchSize));
    }

    public Chw input(int i) {
      int n = 3 * patchSize * patchSize;
      return new Chw(
          patchSize, patchSize, java.util.Arrays.copyOfRange(inputs, i * n, (i + 1) * n));
    }

    public Chw target(int i) {
      int n = 12 * patchSize * patchSize;
      return new Chw(
          2 * patchSize, 2 * patchSize, java.util.Arrays.copyOfRange(targets, i * n, (i + 1) * n));
    }
  }

  private final List<Chw> regions;
  private final int patchSize;
  private final int batchSize;
  private final CropPolicy policy;
  private final long seed;

  public TexturePairSampler(
      List<BufferedImage> regions, int patchSize, int batchSize, CropPolicy policy, long seed) {
    if (regions.isEmpty()) {
      throw new IllegalArgumentException("no training regions");
    }
    if (patchSize <= 0 || batchSize <= 0) {
      throw new IllegalArgumentException("patchSize and batchSize must be > 0");
    }
    List<Chw> r = new ArrayList<>(regions.size());
    for (int i = 0; i < regions.size(); i++) {
      BufferedImage img = regions.get(i);
      if (img.getWidth() < 2 * patchSize || img.getHeight() < 2 * patchSize) {
        throw new IllegalArgumentException(
            "training region "
                + i
                + " is "
                + img.getWidth()
                + "x"
                + img.getHeight()
                + ", smaller than the 2S crop "
                + 2 * patchSize
                + "x"
                + 2 * patchSize);
      }
      r.add(Chw.of(img));
    }
    this.regions = List.copyOf(r);
    this.patchSize = patchSize;
    this.batchSize = batchSize;
    this.policy = policy;
    this.seed = seed;
  }

  public int regionCount() {
    return regions.size();
  }

  /** The batch of training step {@code step} (0-based). */
  public Batch batch(long step) {
    SplittableRandom rnd = new SplittableRandom(mix(seed, step));
    int s = patchSize;
    int big = 2 * s;
    float[] inputs = new float[batchSize * 3 * s * s];
    float[] targets = new float[batchSize * 3 * big * big];
    for (int b = 0; b < batchSize; b++) {
      Chw region = regions.get(rnd.nextInt(regions.size()));
      Chw target =
          region
              .crop(
                  rnd.nextInt(region.height() - big + 1),
                  rnd.nextInt(region.width() - big + 1),
                  big,
                  big)
              .dihedral(rnd.nextInt(8));
      Chw input =
          policy == CropPolicy.CENTER
              ? target.centerCrop(s, s)
              : target.crop(rnd.nextInt(s + 1), rnd.nextInt(s + 1), s, s);
      System.arraycopy(input.data(), 0, inputs, b * input.data().length, input.data().length);
      System.arraycopy(target.data(), 0, targets, b * target.data().length, target.data().length);
    }
    return new Batch(batchSize, s, inputs, targets);
  }

  /** SplitMix64 of (seed, step): decorrelated streams for neighbouring steps. */
  static long mix(long seed, long step) {
    long z = seed * 0x9E3779B97F4A7C15L + step + 0x632BE59BD9B4E019L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
