package org.texhash.indexer.encoder.classic;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;
import java.util.function.Function;
import org.texhash.indexer.encoder.Encoder;
import org.texhash.lucene.HashCode;

/**
 * Iterative quantization (Gong and Lazebnik, "Iterative quantization: a Procrustean approach to
 * learning binary codes", CVPR 2011) over a continuous descriptor, by default the LBP + colour
 * descriptor that LSH hashes too.
 *
 * <p>Fitting: centre the training descriptors, project them on their top K principal components (V
 * = X W), then alternate {@link #ITERATIONS} times between the codes B = sign(V R) and the rotation
 * R that best maps V onto B (orthogonal Procrustes: with B^T V = U S Q^T, R = Q U^T), starting from
 * a random orthogonal R drawn with the seed. The pre-sign features of a patch are (x - mean) W R.
 *
 * <p>When K exceeds the descriptor's dimension d (or the number of training patches), only d
 * principal directions exist: the remaining K - d columns of W are zero, and the random initial
 * rotation followed by ITQ's rotations spreads the d-dimensional projection over all K bits. That
 * is a random orthogonal embedding of the PCA space into K dimensions, then ITQ; the extra bits are
 * correlated with the others, which is what a d-dimensional input allows.
 *
 * <p>An ITQ encoder is fitted on the training patches of an evaluation protocol; its {@link #id()}
 * is {@code itq-K} and it is an evaluation baseline, not an index encoder.
 */
public final class ItqEncoder implements Encoder {
  public static final int ITERATIONS = 50;

  private final int bits;
  private final int inputSize;
  private final Function<BufferedImage, float[]> descriptor;
  private final double[] mean; // d
  private final double[][] pca; // d x K
  private final double[][] rotation; // K x K
  private final double[][] projection; // d x K, pca * rotation

  private ItqEncoder(
      int bits, int inputSize, Function<BufferedImage, float[]> descriptor, Fit fit) {
    this.bits = bits;
    this.inputSize = inputSize;
    this.descriptor = descriptor;
    this.mean = fit.mean();
    this.pca = fit.pca();
    this.rotation = fit.rotation();
    this.projection = fit.projection();
  }

  /**
   * Fits ITQ on {@code trainingPatches} (each inputSize x inputSize) described by {@code
   * descriptor}.
   */
  public static ItqEncoder fit(
      List<BufferedImage> trainingPatches,
      int bits,
      int inputSize,
      long seed,
      Function<BufferedImage, float[]> descriptor) {
    Objects.requireNonNull(descriptor, "descriptor");
    if (trainingPatches.size() < 2) {
      throw new IllegalArgumentException(
          "ITQ needs at least 2 training patches, got " + trainingPatches.size());
    }
    double[][] x = new double[trainingPatches.size()][];
    for (int i = 0; i < x.length; i++) {
      BufferedImage p = trainingPatches.get(i);
      checkPatch(p, inputSize, i);
      x[i] = toDouble(descriptor.apply(p));
      if (x[i].length != x[0].length) {
        throw new IllegalArgumentException(
            "descriptor length changed: " + x[i].length + " vs " + x[0].length);
      }
    }
    return fit(x, bits, inputSize, seed, descriptor);
  }

  /** Fits ITQ on already computed training descriptors {@code x} (n x d, not modified). */
  public static ItqEncoder fit(
      double[][] x,
      int bits,
      int inputSize,
      long seed,
      Function<BufferedImage, float[]> descriptor) {
    if (inputSize < 1) {
      throw new IllegalArgumentException("inputSize must be >= 1, got " + inputSize);
    }
    return new ItqEncoder(bits, inputSize, descriptor, fitProjection(x, bits, seed));
  }

  /**
   * A fitted ITQ map from a descriptor to {@code bits} pre-sign features: {@code (x - mean) pca
   * rotation}.
   */
  public record Fit(double[] mean, double[][] pca, double[][] rotation) {
    /** {@code pca rotation}, d x K: the features are {@code (x - mean)} times this. */
    public double[][] projection() {
      return multiply(pca, rotation);
    }
  }

  /**
   * ITQ's fit alone, for callers that apply the map themselves (an ONNX graph, for instance) over
   * descriptors {@code x} (n x d, n >= 2, not modified).
   */
  public static Fit fitProjection(double[][] x, int bits, long seed) {
    HashCode.checkBits(bits);
    if (x.length < 2) {
      throw new IllegalArgumentException("ITQ needs at least 2 training rows, got " + x.length);
    }
    int n = x.length;
    int d = x[0].length;
    double[] mean = new double[d];
    for (double[] row : x) {
      if (row.length != d) {
        throw new IllegalArgumentException(
            "every training row must have " + d + " values, got " + row.length);
      }
      for (int j = 0; j < d; j++) {
        mean[j] += row[j] / n;
      }
    }
    double[][] centred = new double[n][d];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        centred[i][j] = x[i][j] - mean[j];
      }
    }
    double[][] pca = principalComponents(centred, bits);
    double[][] v = multiply(centred, pca);
    double[][] r = randomRotation(bits, seed);
    for (int it = 0; it < ITERATIONS; it++) {
      r = procrustes(v, r);
    }
    return new Fit(mean, pca, r);
  }

  /** The top-{@code k} principal directions (d x k), zero columns beyond the descriptor's rank. */
  private static double[][] principalComponents(double[][] centred, int k) {
    int d = centred[0].length;
    double[][] cov = new double[d][d];
    for (double[] row : centred) {
      for (int a = 0; a < d; a++) {
        double ra = row[a];
        if (ra == 0) {
          continue;
        }
        double[] ca = cov[a];
        for (int b = a; b < d; b++) {
          ca[b] += ra * row[b];
        }
      }
    }
    for (int a = 0; a < d; a++) {
      for (int b = 0; b < a; b++) {
        cov[a][b] = cov[b][a];
      }
    }
    JacobiSvd eig = new JacobiSvd(cov); // covariance is PSD: singular vectors are eigenvectors
    double[][] vecs = eig.v();
    double[][] w = new double[d][k];
    for (int c = 0; c < Math.min(k, d); c++) {
      for (int a = 0; a < d; a++) {
        w[a][c] = vecs[a][c];
      }
    }
    return w;
  }

  /** One ITQ step: B = sign(V R), then the orthogonal R minimising ||B - V R||. */
  private static double[][] procrustes(double[][] v, double[][] r) {
    int k = r.length;
    double[][] z = multiply(v, r);
    double[][] c = new double[k][k]; // B^T V
    for (int i = 0; i < v.length; i++) {
      double[] vi = v[i];
      double[] zi = z[i];
      for (int a = 0; a < k; a++) {
        double[] ca = c[a];
        if (zi[a] >= 0) {
          for (int b = 0; b < k; b++) {
            ca[b] += vi[b];
          }
        } else {
          for (int b = 0; b < k; b++) {
            ca[b] -= vi[b];
          }
        }
      }
    }
    JacobiSvd svd = new JacobiSvd(c); // C = U S Q^T
    return multiplyTransposed(svd.v(), svd.u()); // R = Q U^T
  }

  /** A random K x K orthogonal matrix: the left singular vectors of a Gaussian matrix. */
  static double[][] randomRotation(int k, long seed) {
    Random rnd = new Random(seed);
    double[][] g = new double[k][k];
    for (double[] row : g) {
      for (int j = 0; j < k; j++) {
        row[j] = rnd.nextGaussian();
      }
    }
    return new JacobiSvd(g).u();
  }

  /** ||sign(V R) - V R||^2 for the training data's PCA projection V: what ITQ minimises. */
  static double quantizationError(double[][] v, double[][] r) {
    double[][] z = multiply(v, r);
    double e = 0;
    for (double[] row : z) {
      for (double x : row) {
        double diff = (x >= 0 ? 1 : -1) - x;
        e += diff * diff;
      }
    }
    return e;
  }

  /** The centred PCA projection of descriptors x (n x d): V in ITQ's notation. */
  double[][] pcaProjection(double[][] x) {
    double[][] centred = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      centred[i] = new double[mean.length];
      for (int j = 0; j < mean.length; j++) {
        centred[i][j] = x[i][j] - mean[j];
      }
    }
    return multiply(centred, pca);
  }

  /** The fitted K x K rotation (a copy). */
  double[][] rotation() {
    double[][] out = new double[rotation.length][];
    for (int i = 0; i < out.length; i++) {
      out[i] = rotation[i].clone();
    }
    return out;
  }

  @Override
  public String id() {
    return "itq-" + bits;
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
    float[][] out = new float[patches.size()][];
    for (int i = 0; i < out.length; i++) {
      BufferedImage p = patches.get(i);
      checkPatch(p, inputSize, i);
      float[] x = descriptor.apply(p);
      if (x.length != mean.length) {
        throw new IllegalArgumentException(
            "descriptor has " + x.length + " values, ITQ was fitted on " + mean.length);
      }
      float[] f = new float[bits];
      for (int j = 0; j < mean.length; j++) {
        double c = x[j] - mean[j];
        if (c == 0) {
          continue;
        }
        double[] pj = projection[j];
        for (int b = 0; b < bits; b++) {
          f[b] += (float) (c * pj[b]);
        }
      }
      out[i] = f;
    }
    return out;
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "ItqEncoder[%s, input %dx%d, descriptor dims %d]",
        id(),
        inputSize,
        inputSize,
        mean.length);
  }

  private static void checkPatch(BufferedImage p, int size, int index) {
    if (p == null) {
      throw new IllegalArgumentException("patch " + index + " is null");
    }
    if (p.getWidth() != size || p.getHeight() != size) {
      throw new IllegalArgumentException(
          "patch "
              + index
              + " must be "
              + size
              + "x"
              + size
              + ", got "
              + p.getWidth()
              + "x"
              + p.getHeight());
    }
  }

  private static double[] toDouble(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  static double[][] multiply(double[][] a, double[][] b) {
    int n = a.length;
    int inner = b.length;
    int m = b[0].length;
    double[][] out = new double[n][m];
    for (int i = 0; i < n; i++) {
      double[] ai = a[i];
      double[] oi = out[i];
      for (int t = 0; t < inner; t++) {
        double x = ai[t];
        if (x == 0) {
          continue;
        }
        double[] bt = b[t];
        for (int j = 0; j < m; j++) {
          oi[j] += x * bt[j];
        }
      }
    }
    return out;
  }

  /** a * b^T. */
  static double[][] multiplyTransposed(double[][] a, double[][] b) {
    double[][] out = new double[a.length][b.length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < b.length; j++) {
        double s = 0;
        for (int t = 0; t < a[i].length; t++) {
          s += a[i][t] * b[j][t];
        }
        out[i][j] = s;
      }
    }
    return out;
  }
}
