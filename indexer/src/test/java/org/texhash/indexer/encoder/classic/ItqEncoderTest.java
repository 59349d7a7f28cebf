package org.texhash.indexer.encoder.classic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class ItqEncoderTest {
  /** A toy descriptor: mean R, G, B of the four quadrants (12 values). */
  private static final Function<BufferedImage, float[]> QUADRANT_MEANS =
      img -> {
        float[] f = new float[12];
        int h = img.getHeight() / 2;
        int w = img.getWidth() / 2;
        for (int y = 0; y < img.getHeight(); y++) {
          for (int x = 0; x < img.getWidth(); x++) {
            int q = (y / h) * 2 + x / w;
            int rgb = img.getRGB(x, y);
            f[q * 3] += (rgb >> 16) & 0xFF;
            f[q * 3 + 1] += (rgb >> 8) & 0xFF;
            f[q * 3 + 2] += rgb & 0xFF;
          }
        }
        return f;
      };

  /** Anisotropic, correlated clustered data: what PCA-then-sign quantises badly. */
  private static double[][] data(int n, int d, long seed) {
    Random rnd = new Random(seed);
    double[][] centres = new double[8][d];
    for (double[] c : centres) {
      for (int j = 0; j < d; j++) {
        c[j] = 3 * rnd.nextGaussian();
      }
    }
    double[][] mix = new double[d][d];
    for (double[] row : mix) {
      for (int j = 0; j < d; j++) {
        row[j] = rnd.nextGaussian();
      }
    }
    double[][] x = new double[n][d];
    for (int i = 0; i < n; i++) {
      double[] c = centres[i % centres.length];
      double[] z = new double[d];
      for (int j = 0; j < d; j++) {
        z[j] = c[j] + rnd.nextGaussian() * (1.0 + j);
      }
      x[i] = ItqEncoder.multiply(new double[][] {z}, mix)[0];
    }
    return x;
  }

  @Test
  void itqRotationIsOrthogonalAndLowersQuantisationErrorBelowPcaSign() {
    double[][] x = data(600, 24, 1);
    ItqEncoder itq = ItqEncoder.fit(x, 16, 8, 42, QUADRANT_MEANS);
    double[][] r = itq.rotation();
    assertOrthogonal(r, 1e-9);
    double[][] v =
        unitScale(itq.pcaProjection(x)); // ||B - V R|| compares codes and data at the same scale
    double[][] identity = new double[16][16];
    for (int i = 0; i < 16; i++) {
      identity[i][i] = 1;
    }
    double pcaSign = ItqEncoder.quantizationError(v, identity);
    double random = ItqEncoder.quantizationError(v, ItqEncoder.randomRotation(16, 42));
    double fitted = ItqEncoder.quantizationError(v, r);
    assertTrue(fitted < 0.9 * pcaSign, "ITQ " + fitted + " vs PCA sign " + pcaSign);
    assertTrue(fitted < random, "ITQ " + fitted + " vs its random start " + random);
  }

  @Test
  void theFitAloneIsTheEncodersMapAndIsARotationWhenBitsEqualTheDimensions() {
    double[][] x = data(300, 16, 4);
    ItqEncoder.Fit fit = ItqEncoder.fitProjection(x, 16, 42);
    double[][] p = fit.projection();
    assertOrthogonal(p, 1e-9); // d = K: the PCA basis times the ITQ rotation, both orthogonal
    ItqEncoder itq = ItqEncoder.fit(x, 16, 8, 42, QUADRANT_MEANS);
    double[][] v = itq.pcaProjection(x);
    double[][] fromFit = new double[x.length][16];
    for (int i = 0; i < x.length; i++) {
      for (int j = 0; j < 16; j++) {
        for (int t = 0; t < 16; t++) {
          fromFit[i][j] += (x[i][t] - fit.mean()[t]) * p[t][j];
        }
      }
    }
    double[][] fromEncoder = ItqEncoder.multiply(v, itq.rotation());
    for (int i = 0; i < x.length; i++) {
      for (int j = 0; j < 16; j++) {
        assertEquals(fromEncoder[i][j], fromFit[i][j], 1e-9);
      }
    }
    assertThrows(
        IllegalArgumentException.class,
        () -> ItqEncoder.fitProjection(new double[][] {x[0]}, 16, 42)); // one row
    assertThrows(
        IllegalArgumentException.class,
        () -> ItqEncoder.fitProjection(new double[][] {x[0], new double[3]}, 16, 42));
    assertThrows(IllegalArgumentException.class, () -> ItqEncoder.fitProjection(x, 12, 42));
  }

  @Test
  void moreBitsThanDescriptorDimensionsStillGiveAnOrthogonalRotation() {
    double[][] x = data(200, 12, 2);
    ItqEncoder itq = ItqEncoder.fit(x, 32, 8, 7, QUADRANT_MEANS);
    assertOrthogonal(itq.rotation(), 1e-9);
    assertEquals("itq-32", itq.id());
    BufferedImage patch = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
    patch.setRGB(1, 1, 0xFF8040);
    float[][] f = itq.features(List.of(patch, patch));
    assertEquals(32, f[0].length);
    assertEquals(itq.encode(List.of(patch)).get(0), itq.encode(List.of(patch)).get(0));
  }

  @Test
  void fitsOnImagePatchesAndIsDeterministic() {
    Random rnd = new Random(3);
    List<BufferedImage> patches = new java.util.ArrayList<>();
    for (int i = 0; i < 40; i++) {
      BufferedImage p = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < 8; y++) {
        for (int x = 0; x < 8; x++) {
          p.setRGB(x, y, rnd.nextInt(0x1000000));
        }
      }
      patches.add(p);
    }
    ItqEncoder a = ItqEncoder.fit(patches, 8, 8, 5, QUADRANT_MEANS);
    ItqEncoder b = ItqEncoder.fit(patches, 8, 8, 5, QUADRANT_MEANS);
    assertEquals(a.encode(patches), b.encode(patches));
    assertThrows(
        IllegalArgumentException.class,
        () -> a.features(List.of(new BufferedImage(9, 8, BufferedImage.TYPE_INT_RGB))));
    assertThrows(
        IllegalArgumentException.class, () -> ItqEncoder.fit(patches, 12, 8, 5, QUADRANT_MEANS));
    assertThrows(
        IllegalArgumentException.class,
        () -> ItqEncoder.fit(patches.subList(0, 1), 8, 8, 5, QUADRANT_MEANS));
  }

  @Test
  void jacobiSvdReconstructsAndHandlesRankDeficiency() {
    Random rnd = new Random(9);
    double[][] a = new double[7][5];
    for (double[] row : a) {
      for (int j = 0; j < 5; j++) {
        row[j] = rnd.nextGaussian();
      }
    }
    for (int i = 0; i < 7; i++) {
      a[i][4] = a[i][0] + 2 * a[i][1]; // rank 4
    }
    JacobiSvd svd = new JacobiSvd(a);
    double[] s = svd.singularValues();
    for (int i = 1; i < s.length; i++) {
      assertTrue(s[i] <= s[i - 1]);
    }
    assertEquals(0, s[4], 1e-9);
    double[][] u = svd.u();
    double[][] v = svd.v();
    for (int i = 0; i < 7; i++) {
      for (int j = 0; j < 5; j++) {
        double r = 0;
        for (int k = 0; k < 5; k++) {
          r += u[i][k] * s[k] * v[j][k];
        }
        assertEquals(a[i][j], r, 1e-10);
      }
    }
    assertOrthogonal(v, 1e-10);
    double[][] utu = new double[5][5];
    for (int p = 0; p < 5; p++) {
      for (int q = 0; q < 5; q++) {
        for (int i = 0; i < 7; i++) {
          utu[p][q] += u[i][p] * u[i][q];
        }
        assertEquals(p == q ? 1 : 0, utu[p][q], 1e-9, "U has orthonormal columns");
      }
    }
  }

  /** V scaled so that its entries have mean square 1, like the +-1 codes. */
  private static double[][] unitScale(double[][] v) {
    double sq = 0;
    for (double[] row : v) {
      for (double x : row) {
        sq += x * x;
      }
    }
    double scale = Math.sqrt(v.length * v[0].length / sq);
    double[][] out = new double[v.length][];
    for (int i = 0; i < v.length; i++) {
      out[i] = row(v[i], scale);
    }
    return out;
  }

  private static double[] row(double[] r, double scale) {
    double[] out = r.clone();
    for (int j = 0; j < out.length; j++) {
      out[j] *= scale;
    }
    return out;
  }

  private static void assertOrthogonal(double[][] r, double eps) {
    double[][] rrt = ItqEncoder.multiplyTransposed(r, r);
    for (int i = 0; i < r.length; i++) {
      for (int j = 0; j < r.length; j++) {
        assertEquals(i == j ? 1 : 0, rrt[i][j], eps, "R R^T at " + i + "," + j);
      }
    }
  }
}
