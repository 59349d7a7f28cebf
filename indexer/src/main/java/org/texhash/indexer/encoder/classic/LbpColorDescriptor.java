package org.texhash.indexer.encoder.classic;

import java.awt.image.BufferedImage;
import java.util.List;
import org.texhash.indexer.image.Images;

/**
 * The continuous descriptor the classic baselines hash: rotation-invariant uniform local binary
 * patterns (LBP riu2, Ojala, Pietikäinen and Mäenpää, PAMI 2002) at three radii plus an HSV colour
 * histogram. {@link LbpLshEncoder} hashes it with random hyperplanes; ITQ rotates its PCA.
 *
 * <p>Layout ({@link #DIMENSIONS} = 106 floats), four blocks:
 *
 * <ol>
 *   <li>LBP riu2 with P=8 neighbours at radius 1: P+2 = 10 bins (P+1 uniform labels, the number of
 *       neighbours at least as bright as the centre, and one bin for all non-uniform patterns);
 *   <li>P=16 at radius 2: 18 bins;
 *   <li>P=24 at radius 3: 26 bins;
 *   <li>colour, 52 bins: 4 grey levels for pixels with saturation under 0.2 or value under 0.15,
 *       and 8 hues x 2 saturations x 3 values for the rest, with hue split linearly between the two
 *       nearest hue bins (a small hue shift then moves mass smoothly, not across a hard edge).
 * </ol>
 *
 * Neighbours off the pixel grid are sampled bilinearly from the luma (Rec. 601 weights); every
 * pixel at least 3 pixels from the border is a centre for all three radii, so the three LBP
 * histograms count the same centres. Each block is a frequency histogram mapped by the square root
 * (the Hellinger embedding: Euclidean distance then approximates the Hellinger distance between
 * histograms, which suits histograms better than the raw L2 distance), so each block has unit L2
 * norm by construction and the four blocks weigh the same.
 */
public final class LbpColorDescriptor {
  /** (P, R) of the three LBP operators. */
  static final int[][] OPERATORS = {{8, 1}, {16, 2}, {24, 3}};

  static final int HUES = 8;
  static final int GREYS = 4;
  static final int COLOUR_BINS = GREYS + HUES * 2 * 3;

  /**
   * Bins of the four blocks of {@link #describe}'s result, in order: P + 2 per operator, colour.
   */
  public static final List<Integer> BLOCKS = List.of(10, 18, 26, COLOUR_BINS);

  /** Length of {@link #describe}'s result. */
  public static final int DIMENSIONS = BLOCKS.stream().mapToInt(Integer::intValue).sum();

  /** The smallest image {@link #describe} accepts: one centre with its radius-3 ring. */
  public static final int MIN_SIZE = 7;

  private LbpColorDescriptor() {}

  /**
   * The descriptor of one image of any size at least {@link #MIN_SIZE} square; see the class
   * comment.
   */
  public static float[] describe(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    if (w < MIN_SIZE || h < MIN_SIZE) {
      throw new IllegalArgumentException(
          "LBP descriptor needs at least "
              + MIN_SIZE
              + " x "
              + MIN_SIZE
              + " pixels, got "
              + w
              + " x "
              + h);
    }
    int[] rgb = Images.rgbPixels(image);
    float[] luma = new float[rgb.length];
    for (int i = 0; i < rgb.length; i++) {
      int p = rgb[i];
      luma[i] = 0.299f * ((p >>> 16) & 0xFF) + 0.587f * ((p >>> 8) & 0xFF) + 0.114f * (p & 0xFF);
    }
    float[] out = new float[DIMENSIONS];
    int offset = 0;
    for (int[] op : OPERATORS) {
      double[] hist = lbpHistogram(luma, w, h, op[0], op[1]);
      offset = writeBlock(hist, out, offset);
    }
    writeBlock(colourHistogram(rgb), out, offset);
    return out;
  }

  /**
   * Square root of the normalised histogram, appended at {@code offset}; returns the next offset.
   */
  private static int writeBlock(double[] hist, float[] out, int offset) {
    double total = 0;
    for (double v : hist) {
      total += v;
    }
    for (int i = 0; i < hist.length; i++) {
      out[offset + i] = total > 0 ? (float) Math.sqrt(hist[i] / total) : 0f;
    }
    return offset + hist.length;
  }

  static double[] lbpHistogram(float[] luma, int w, int h, int p, int r) {
    int margin = OPERATORS[OPERATORS.length - 1][1];
    // Neighbour offsets and bilinear weights, the same for every centre.
    int[] x0 = new int[p];
    int[] y0 = new int[p];
    float[][] wts = new float[p][4];
    for (int k = 0; k < p; k++) {
      double angle = 2 * Math.PI * k / p;
      // Round away float noise so that on-grid neighbours (cos = 0, 1) are exact grid reads.
      double dx = Math.rint(r * Math.cos(angle) * 1e9) / 1e9;
      double dy = Math.rint(-r * Math.sin(angle) * 1e9) / 1e9;
      int fx = (int) Math.floor(dx);
      int fy = (int) Math.floor(dy);
      float tx = (float) (dx - fx);
      float ty = (float) (dy - fy);
      x0[k] = fx;
      y0[k] = fy;
      wts[k][0] = (1 - tx) * (1 - ty);
      wts[k][1] = tx * (1 - ty);
      wts[k][2] = (1 - tx) * ty;
      wts[k][3] = tx * ty;
    }
    double[] hist = new double[p + 2];
    boolean[] bits = new boolean[p];
    for (int y = margin; y < h - margin; y++) {
      for (int x = margin; x < w - margin; x++) {
        float centre = luma[y * w + x];
        int ones = 0;
        for (int k = 0; k < p; k++) {
          int i = (y + y0[k]) * w + x + x0[k];
          float[] wt = wts[k];
          float g = wt[0] * luma[i];
          if (wt[1] != 0) {
            g += wt[1] * luma[i + 1];
          }
          if (wt[2] != 0) {
            g += wt[2] * luma[i + w];
          }
          if (wt[3] != 0) {
            g += wt[3] * luma[i + w + 1];
          }
          bits[k] = g >= centre;
          if (bits[k]) {
            ones++;
          }
        }
        int transitions = 0;
        for (int k = 0; k < p; k++) {
          if (bits[k] != bits[(k + 1) % p]) {
            transitions++;
          }
        }
        hist[transitions <= 2 ? ones : p + 1]++;
      }
    }
    return hist;
  }

  static double[] colourHistogram(int[] rgb) {
    double[] hist = new double[COLOUR_BINS];
    for (int p : rgb) {
      int r = (p >>> 16) & 0xFF;
      int g = (p >>> 8) & 0xFF;
      int b = p & 0xFF;
      int max = Math.max(r, Math.max(g, b));
      int min = Math.min(r, Math.min(g, b));
      float v = max / 255f;
      float s = max == 0 ? 0f : (max - min) / (float) max;
      if (s < 0.2f || v < 0.15f) {
        hist[Math.min(GREYS - 1, (int) (v * GREYS))]++;
        continue;
      }
      float hue; // in [0, 6)
      float chroma = max - min;
      if (max == r) {
        hue = (g - b) / chroma;
        if (hue < 0) {
          hue += 6;
        }
      } else if (max == g) {
        hue = (b - r) / chroma + 2;
      } else {
        hue = (r - g) / chroma + 4;
      }
      int sBin = s < 0.6f ? 0 : 1;
      int vBin = v < 0.45f ? 0 : (v < 0.75f ? 1 : 2);
      // Hue bin centres at (i + 0.5) * 6 / HUES; split linearly between the two nearest,
      // circularly.
      float pos = hue * HUES / 6f - 0.5f;
      int lo = (int) Math.floor(pos);
      float t = pos - lo;
      int a = Math.floorMod(lo, HUES);
      int c = Math.floorMod(lo + 1, HUES);
      hist[GREYS + (a * 2 + sBin) * 3 + vBin] += 1 - t;
      hist[GREYS + (c * 2 + sBin) * 3 + vBin] += t;
    }
    return hist;
  }
}
