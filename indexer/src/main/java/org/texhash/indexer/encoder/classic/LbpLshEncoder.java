package org.texhash.indexer.encoder.classic;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.texhash.indexer.encoder.Encoder;
import org.texhash.indexer.image.SyntheticTextures;

/**
 * The classic baseline: {@link LbpColorDescriptor} hashed by random-hyperplane LSH (Charikar, STOC
 * 2002). Feature i is {@code r_i . (x - mu)} with {@code r_i} a standard Gaussian vector.
 *
 * <p><b>Centring without data.</b> Hyperplanes through the origin split the descriptors badly: they
 * are square roots of histograms, all in the positive orthant and close together, so most bits
 * would be the same for every image. Subtracting the mean descriptor fixes that, but this encoder
 * is usable on any folder without a training step, so {@code mu} cannot come from the user's data.
 * It is the mean descriptor of {@value #REFERENCE_TEXTURES} procedural textures ({@link
 * SyntheticTextures}: fractal noise, gratings, bricks, spots in random colours) at the encoder's
 * input size: deterministic, computed in a few milliseconds at first use, and close enough to the
 * mean of real textures that hyperplanes through it split them (measured in docs/INDEXING.md). ITQ,
 * which is fitted on training patches, uses the data mean instead.
 *
 * <p>The hyperplanes come from {@code new java.util.Random(}{@value #SEED}{@code )}, row by row, so
 * the K-bit code of {@code lbp-lsh-K} is a prefix of the code of every longer variant. Thread-safe.
 */
public final class LbpLshEncoder implements Encoder {
  /** Seed of the hyperplanes; part of the encoder's definition (changing it changes every code). */
  public static final long SEED = 0x7E7_4A5BL;

  /** The code lengths {@code lbp-lsh-K} offers. */
  public static final List<Integer> BITS = List.of(32, 64, 128, 256);

  public static final int DEFAULT_INPUT_SIZE = 64;
  static final int REFERENCE_TEXTURES = 256;

  private static final Map<Integer, float[]> REFERENCES = new ConcurrentHashMap<>();

  private final int bits;
  private final int inputSize;
  private final float[] reference;
  private final float[][] hyperplanes;

  /** {@code lbp-lsh-K} on 64 x 64 patches. */
  public LbpLshEncoder(int bits) {
    this(bits, DEFAULT_INPUT_SIZE);
  }

  /** LBP + LSH with {@code bits} bits on {@code inputSize x inputSize} patches. */
  public LbpLshEncoder(int bits, int inputSize) {
    if (!BITS.contains(bits)) {
      throw new IllegalArgumentException("lbp-lsh bits must be one of " + BITS + ", got " + bits);
    }
    if (inputSize < LbpColorDescriptor.MIN_SIZE) {
      throw new IllegalArgumentException(
          "lbp-lsh input size must be at least "
              + LbpColorDescriptor.MIN_SIZE
              + ", got "
              + inputSize);
    }
    this.bits = bits;
    this.inputSize = inputSize;
    this.reference = REFERENCES.computeIfAbsent(inputSize, LbpLshEncoder::referenceMean);
    this.hyperplanes = hyperplanes(bits, LbpColorDescriptor.DIMENSIONS);
  }

  /** {@code lbp-lsh-K}, with {@code -sS} appended when the input size is not the default 64. */
  @Override
  public String id() {
    return "lbp-lsh-" + bits + (inputSize == DEFAULT_INPUT_SIZE ? "" : "-s" + inputSize);
  }

  @Override
  public int bits() {
    return bits;
  }

  @Override
  public int inputSize() {
    return inputSize;
  }

  @Override
  public float[][] features(List<BufferedImage> patches) {
    for (int i = 0; i < patches.size(); i++) {
      BufferedImage p = patches.get(i);
      if (p.getWidth() != inputSize || p.getHeight() != inputSize) {
        throw new IllegalArgumentException(
            "patch "
                + i
                + " is "
                + p.getWidth()
                + " x "
                + p.getHeight()
                + ", "
                + id()
                + " expects "
                + inputSize
                + " x "
                + inputSize);
      }
    }
    float[][] out = new float[patches.size()][];
    IntStream range = IntStream.range(0, patches.size());
    (patches.size() >= 8 ? range.parallel() : range).forEach(i -> out[i] = project(patches.get(i)));
    return out;
  }

  private float[] project(BufferedImage patch) {
    float[] x = LbpColorDescriptor.describe(patch);
    for (int d = 0; d < x.length; d++) {
      x[d] -= reference[d];
    }
    float[] f = new float[bits];
    for (int b = 0; b < bits; b++) {
      float[] r = hyperplanes[b];
      float s = 0f;
      for (int d = 0; d < x.length; d++) {
        s += r[d] * x[d];
      }
      f[b] = s;
    }
    return f;
  }

  /** The data-free centre: the mean descriptor of the reference textures at this input size. */
  public static float[] referenceMean(int inputSize) {
    double[] sum = new double[LbpColorDescriptor.DIMENSIONS];
    for (int seed = 0; seed < REFERENCE_TEXTURES; seed++) {
      float[] x =
          LbpColorDescriptor.describe(SyntheticTextures.generate(seed, inputSize, inputSize));
      for (int d = 0; d < x.length; d++) {
        sum[d] += x[d];
      }
    }
    float[] mean = new float[sum.length];
    for (int d = 0; d < mean.length; d++) {
      mean[d] = (float) (sum[d] / REFERENCE_TEXTURES);
    }
    return mean;
  }

  /** The {@code bits} hyperplanes {@code r_i}, Gaussian rows drawn from {@link #SEED}. */
  public static float[][] hyperplanes(int bits, int dimensions) {
    Random rnd = new Random(SEED);
    float[][] r = new float[bits][dimensions];
    for (float[] row : r) {
      for (int d = 0; d < dimensions; d++) {
        row[d] = (float) rnd.nextGaussian();
      }
    }
    return r;
  }

  @Override
  public String toString() {
    return id();
  }
}
