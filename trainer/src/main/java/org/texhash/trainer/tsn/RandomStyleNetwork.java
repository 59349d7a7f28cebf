package org.texhash.trainer.tsn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.pooling.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The default style network: fixed, seeded random filters at several scales, one layer deep.
 *
 * <p>Ustyuzhaninov, Brendel, Gatys and Bethge (ICLR 2017) showed that a single layer of random
 * multi-scale convolutional filters with a ReLU gives Gram statistics good enough for texture
 * synthesis; no ImageNet weights (the paper's VGG-19) can be downloaded here. Scale k applies its
 * own bank of {@code channels} random 5x5 filters to the image average-pooled by 2^k, so the
 * filters cover 5, 10, 20, ... pixels. Weights are Gaussian, each filter scaled to unit L2 norm,
 * drawn in Java from the seed (identical on every engine and machine).
 */
public final class RandomStyleNetwork implements StyleNetwork {
  static final int KERNEL = 5;

  private final long seed;
  private final int channels;
  private final List<NDArray> filters = new ArrayList<>();

  public RandomStyleNetwork(NDManager manager, int scales, int channels, long seed) {
    if (scales <= 0 || channels <= 0) {
      throw new IllegalArgumentException("scales and channels must be > 0");
    }
    this.seed = seed;
    this.channels = channels;
    SplittableRandom rnd = new SplittableRandom(seed);
    int perFilter = 3 * KERNEL * KERNEL;
    for (int s = 0; s < scales; s++) {
      float[] w = new float[channels * perFilter];
      for (int f = 0; f < channels; f++) {
        double norm = 0;
        for (int i = 0; i < perFilter; i++) {
          double g = gaussian(rnd);
          w[f * perFilter + i] = (float) g;
          norm += g * g;
        }
        float inv = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < perFilter; i++) {
          w[f * perFilter + i] *= inv;
        }
      }
      filters.add(manager.create(w, new Shape(channels, 3, KERNEL, KERNEL)));
    }
  }

  private static double gaussian(SplittableRandom rnd) {
    double u = 1.0 - rnd.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd.nextDouble());
  }

  @Override
  public String id() {
    return String.format(Locale.ROOT, "random-%dx%d-seed%d", filters.size(), channels, seed);
  }

  @Override
  public List<NDArray> features(NDArray images) {
    List<NDArray> out = new ArrayList<>(filters.size());
    NDArray x = images;
    int pad = KERNEL / 2;
    for (int s = 0; s < filters.size(); s++) {
      if (s > 0) {
        x = Pool.avgPool2d(x, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false, true);
      }
      NDArray weight = filters.get(s);
      NDArray y =
          Conv2d.conv2d(x, weight, null, new Shape(1, 1), new Shape(pad, pad), new Shape(1, 1), 1)
              .singletonOrThrow();
      out.add(Activation.relu(y));
    }
    return out;
  }
}
